package io.mailgateway.auth;

import io.mailgateway.reply.SmtpReply;
import java.time.Duration;

/**
 * What {@link Authenticator#authenticate} decided, and the reply it maps to ({@link #reply()}).
 *
 * <ul>
 *   <li>{@code SUCCESS}: {@link #user()} is logged in; 235 2.7.0.</li>
 *   <li>{@code FAILED}: wrong name or password, or a disabled account (the client is not told
 *       which); wait {@link #delay()}, then 535 5.7.8.</li>
 *   <li>{@code BLOCKED}: too many failures from this client or for this account; 421 4.7.0 with
 *       "try again in N seconds" ({@link #retryAfter()}), then close the connection.</li>
 *   <li>{@code TEMPORARY_FAILURE}: the users database cannot be reached; 454 4.7.0.</li>
 * </ul>
 */
public record AuthOutcome(Kind kind, User user, Duration delay, Duration retryAfter) {

    public enum Kind { SUCCESS, FAILED, BLOCKED, TEMPORARY_FAILURE }

    static AuthOutcome success(User user) {
        return new AuthOutcome(Kind.SUCCESS, user, Duration.ZERO, Duration.ZERO);
    }

    static AuthOutcome failed(Duration delay) {
        return new AuthOutcome(Kind.FAILED, null, delay, Duration.ZERO);
    }

    static AuthOutcome blocked(Duration retryAfter) {
        return new AuthOutcome(Kind.BLOCKED, null, Duration.ZERO, retryAfter);
    }

    static AuthOutcome temporaryFailure() {
        return new AuthOutcome(Kind.TEMPORARY_FAILURE, null, Duration.ZERO, Duration.ZERO);
    }

    public boolean isSuccess() {
        return kind == Kind.SUCCESS;
    }

    /** The reply the session sends (after {@link #delay()} for FAILED). */
    public SmtpReply reply() {
        return switch (kind) {
            case SUCCESS -> AuthReplies.SUCCEEDED;
            case FAILED -> AuthReplies.INVALID_CREDENTIALS;
            case BLOCKED -> AuthReplies.BLOCKED.retryIn(Math.max(1, retryAfter.toSeconds()));
            case TEMPORARY_FAILURE -> AuthReplies.TEMPORARY_FAILURE;
        };
    }
}
