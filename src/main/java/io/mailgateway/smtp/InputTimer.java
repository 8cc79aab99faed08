package io.mailgateway.smtp;

import io.mailgateway.reply.SmtpReply;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How long one session may stay silent, which depends on what it is doing (RFC 5321 4.5.3.2):
 * while a command or a mail transaction is in progress (between MAIL and the end of the
 * message, inside DATA or BDAT, inside an AUTH exchange) the server timeout CONNECTION_TIMEOUT;
 * otherwise IDLE_TIMEOUT. Either ends with its own 421 4.4.2.
 *
 * <p>Netty's IdleStateHandler has one fixed threshold; this is the same technique (the last
 * input time is noted on every read, a timer compares it, nothing is rescheduled per read) with
 * the threshold read from the session state when the timer fires. The timer fires at least
 * every {@code min(idle, inTransaction)}, so a switch to the shorter limit is never overslept.
 *
 * <p>Lifecycle: {@link #start} when the session begins, {@link #touch} on input (and when the
 * server answers after the client waited on it), {@link #stop} when the connection closes. All
 * on the session's event loop.
 */
final class InputTimer {

    private final EventExecutor loop;
    private final long idleNanos;
    private final long inTransactionNanos;
    private final BooleanSupplier transactionInProgress;
    private final BooleanSupplier clientWaitsOnUs;
    private final Consumer<SmtpReply> onTimeout;
    private long lastInput;
    private ScheduledFuture<?> task;

    /**
     * @param transactionInProgress true while the CONNECTION_TIMEOUT applies
     * @param clientWaitsOnUs       true while the server owes the client a reply: no timeout then
     * @param onTimeout             called once with {@link SmtpReplies#IDLE_TIMEOUT} or {@link SmtpReplies#TRANSACTION_TIMEOUT}
     */
    InputTimer(EventExecutor loop, Duration idle, Duration inTransaction, BooleanSupplier transactionInProgress,
               BooleanSupplier clientWaitsOnUs, Consumer<SmtpReply> onTimeout) {
        this.loop = loop;
        this.idleNanos = idle.toNanos();
        this.inTransactionNanos = inTransaction.toNanos();
        this.transactionInProgress = transactionInProgress;
        this.clientWaitsOnUs = clientWaitsOnUs;
        this.onTimeout = onTimeout;
    }

    void start() {
        touch();
        schedule(Math.min(idleNanos, inTransactionNanos));
    }

    void touch() {
        lastInput = System.nanoTime();
    }

    void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void schedule(long nanos) {
        task = loop.schedule(this::check, nanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
        if (task == null) {
            return; // stopped
        }
        long step = Math.min(idleNanos, inTransactionNanos);
        if (clientWaitsOnUs.getAsBoolean()) {
            schedule(step); // not silent: waiting for our reply (a durable write, a password check)
            return;
        }
        boolean inTransaction = transactionInProgress.getAsBoolean();
        long remaining = lastInput + (inTransaction ? inTransactionNanos : idleNanos) - System.nanoTime();
        if (remaining > 0) {
            schedule(Math.min(remaining, step));
            return;
        }
        task = null;
        onTimeout.accept(inTransaction ? SmtpReplies.TRANSACTION_TIMEOUT : SmtpReplies.IDLE_TIMEOUT);
    }
}
