package io.mailgateway.auth;

import io.mailgateway.reply.SmtpReply;

/**
 * What one step of a SASL exchange ({@link Sasl}) gave, and what the session does next.
 *
 * <ul>
 *   <li>{@code CHALLENGE}: no initial response; send "334 " plus the mechanism's challenge
 *       (empty for PLAIN, {@link Sasl#LOGIN_USERNAME_CHALLENGE} for LOGIN).</li>
 *   <li>{@code USERNAME}: LOGIN's name arrived ({@link #username()}); send "334 "
 *       {@link Sasl#LOGIN_PASSWORD_CHALLENGE}.</li>
 *   <li>{@code CREDENTIALS}: call {@link Authenticator#authenticate} with
 *       {@link #username()} and {@link #password()}.</li>
 *   <li>{@code CANCELLED}: the client sent "*": 501 5.0.0 (RFC 4954 4).</li>
 *   <li>{@code MALFORMED}: not Base64, not UTF-8, a field too long, or not the mechanism's
 *       shape: 501 5.5.2 (RFC 4954 4, "cannot decode").</li>
 *   <li>{@code TOO_LONG}: a line over {@link Sasl#MAX_LINE} characters: 500 5.5.6.</li>
 *   <li>{@code AUTHZID_REFUSED}: PLAIN asked to act as another identity: 535 5.7.8.</li>
 * </ul>
 */
public record SaslStep(Kind kind, String username, String password) {

    public enum Kind { CHALLENGE, USERNAME, CREDENTIALS, CANCELLED, MALFORMED, TOO_LONG, AUTHZID_REFUSED }

    /** Whether the exchange ends here with {@link #reply()} (no {@link Authenticator} call). */
    public boolean isRefusal() {
        return kind == Kind.CANCELLED || kind == Kind.MALFORMED || kind == Kind.TOO_LONG || kind == Kind.AUTHZID_REFUSED;
    }

    /** The reply that ends an exchange refused at this step; only for {@link #isRefusal()} steps. */
    public SmtpReply reply() {
        return switch (kind) {
            case CANCELLED -> AuthReplies.CANCELLED;
            case MALFORMED -> AuthReplies.CANNOT_DECODE;
            case TOO_LONG -> AuthReplies.LINE_TOO_LONG;
            case AUTHZID_REFUSED -> AuthReplies.INVALID_CREDENTIALS;
            default -> throw new IllegalStateException(kind + " does not end the exchange");
        };
    }

    static SaslStep challenge() {
        return new SaslStep(Kind.CHALLENGE, null, null);
    }

    static SaslStep username(String name) {
        return new SaslStep(Kind.USERNAME, name, null);
    }

    static SaslStep credentials(String name, String password) {
        return new SaslStep(Kind.CREDENTIALS, name, password);
    }

    static SaslStep cancelled() {
        return new SaslStep(Kind.CANCELLED, null, null);
    }

    static SaslStep malformed() {
        return new SaslStep(Kind.MALFORMED, null, null);
    }

    static SaslStep tooLong() {
        return new SaslStep(Kind.TOO_LONG, null, null);
    }

    static SaslStep authzidRefused() {
        return new SaslStep(Kind.AUTHZID_REFUSED, null, null);
    }

    /** Never the password: steps end up in debug logs. */
    @Override
    public String toString() {
        return "SaslStep[" + kind + (username == null ? "" : ", " + username) + "]";
    }
}
