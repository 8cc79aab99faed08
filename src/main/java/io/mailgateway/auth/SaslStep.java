package io.mailgateway.auth;

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
 *   <li>{@code MALFORMED}: not Base64, not UTF-8, too long, or not the mechanism's shape:
 *       501 5.5.2 (RFC 4954 4, "cannot decode").</li>
 *   <li>{@code AUTHZID_REFUSED}: PLAIN asked to act as another identity: 535 5.7.8.</li>
 * </ul>
 */
public record SaslStep(Kind kind, String username, String password) {

    public enum Kind { CHALLENGE, USERNAME, CREDENTIALS, CANCELLED, MALFORMED, AUTHZID_REFUSED }

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

    static SaslStep authzidRefused() {
        return new SaslStep(Kind.AUTHZID_REFUSED, null, null);
    }

    /** Never the password: steps end up in debug logs. */
    @Override
    public String toString() {
        return "SaslStep[" + kind + (username == null ? "" : ", " + username) + "]";
    }
}
