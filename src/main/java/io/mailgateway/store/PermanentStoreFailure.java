package io.mailgateway.store;

/**
 * This message can never be stored by this store: retrying it would only block the queue. The
 * store routes opt into {@code routes/store-errors.camel.yaml}, whose {@code onException} for this
 * type moves the message to the store's dead-letter queue {@code store.NAME.dlq} (with the message
 * of this exception as its {@code MailDlqReason}) in the same JMS transaction as the ack. Every
 * other exception is transient: rollback, and the broker redelivers with its durable backoff.
 */
public class PermanentStoreFailure extends Exception {

    public PermanentStoreFailure(String reason, Throwable cause) {
        super(reason, cause);
    }

    public PermanentStoreFailure(String reason) {
        super(reason);
    }
}
