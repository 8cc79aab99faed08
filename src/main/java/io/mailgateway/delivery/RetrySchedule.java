package io.mailgateway.delivery;

import io.mailgateway.config.GatewayConfig;
import java.time.Duration;

/**
 * The retry schedule of the delivery queue: after attempt n (1-based) failed temporarily, the
 * next one comes {@code initial × backoff^(n-1)}, at most {@code max} later; a recipient gives
 * up after {@code maxRetries} retries (so {@code 1 + maxRetries} attempts; QUEUE_MAX_RETRIES) or
 * once the message is older than {@code maxAge}.
 */
public record RetrySchedule(Duration initial, double backoff, Duration max, int maxRetries, Duration maxAge,
        Duration delayWarning) {

    public RetrySchedule(Duration initial, double backoff, Duration max, int maxRetries, Duration maxAge) {
        this(initial, backoff, max, maxRetries, maxAge, Duration.ZERO);
    }

    public static RetrySchedule fromConfig(GatewayConfig config) {
        return new RetrySchedule(config.duration("QUEUE_INITIAL_RETRY_DELAY"), config.getDouble("QUEUE_RETRY_BACKOFF"),
                config.duration("QUEUE_MAX_RETRY_DELAY"), config.getInt("QUEUE_MAX_RETRIES"), config.duration("QUEUE_MAX_AGE"),
                config.duration("QUEUE_DELAY_WARNING"));
    }

    /** Whether a message still being retried at this age deserves a delay warning (once); never when 0. */
    public boolean warnDelay(long receivedAtMillis, long nowMillis) {
        return !delayWarning.isZero() && nowMillis - receivedAtMillis >= delayWarning.toMillis();
    }

    /** The wait after the given number of attempts made so far (1 after the first). */
    public Duration delayAfter(int attemptsMade) {
        double millis = initial.toMillis() * Math.pow(backoff, Math.max(0, attemptsMade - 1));
        return Duration.ofMillis((long) Math.min(millis, (double) max.toMillis()));
    }

    /** Most attempts of one recipient: the first one plus {@link #maxRetries} retries. */
    public int maxAttempts() {
        return 1 + maxRetries;
    }

    /** Whether a temporarily failed recipient is given up on after this many attempts (the first counts). */
    public boolean exhausted(int attemptsMade) {
        return attemptsMade >= maxAttempts();
    }

    public boolean expired(long receivedAtMillis, long nowMillis) {
        return nowMillis - receivedAtMillis >= maxAge.toMillis();
    }
}
