package io.mailgateway.store;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The rule every store starts from when it classifies a failure (see {@link StoreStep}).
 * Transient: anything that waiting can cure, i.e. I/O (disk full, permission denied, a network
 * error), an interrupted thread (shutdown), the broker or JMS failing under us. Permanent: a
 * RuntimeException raised by the store's own code on this message (an envelope it cannot read,
 * a missing property, a bug hit by this input), since the same input hits it again on every try.
 * A checked exception nobody classified stays transient: better a long wait in the queue (bounded
 * by the broker's max-delivery-attempts, docs/storage.md) than a message set aside for a hiccup.
 */
public final class StoreFailures {

    private StoreFailures() {
    }

    public static boolean isPermanentByDefault(Throwable failure) {
        if (failure instanceof PermanentStoreFailure) {
            return true;
        }
        if (hasTransientCause(failure)) {
            return false;
        }
        return failure instanceof RuntimeException;
    }

    /** I/O, interruption or the broker anywhere in the cause chain. */
    public static boolean hasTransientCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof InterruptedException
                    || t instanceof jakarta.jms.JMSException
                    || t instanceof org.apache.activemq.artemis.api.core.ActiveMQException
                    || t instanceof org.springframework.jms.JmsException) {
                return true;
            }
        }
        return false;
    }

    /** One line for MailDlqReason and the log: the exception's type and message, never a stack trace. */
    public static String describe(Throwable failure) {
        String message = failure.getMessage();
        String type = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message.replaceAll("\\s+", " ").strip();
    }
}
