package io.mailgateway.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The SASL mechanisms of AUTH (RFC 4954) as pure functions: PLAIN (RFC 4616) and LOGIN
 * (draft-murchison-sasl-login), each step a line from the client in, a {@link SaslStep} out.
 * The session keeps the state between steps and sends the challenges.
 *
 * <p>Strict: Base64 of RFC 4648 4 only (no line breaks, no missing padding, no other alphabet),
 * UTF-8 only (RFC 4616 2), no NUL in a name or password. Limits are far below RFC 4954 4's
 * 12288-octet line: {@link #MAX_LINE} characters of Base64, names of at most 320 octets (an
 * address: 64 + 1 + 255), passwords of at most {@link #MAX_PASSWORD} octets.
 */
public final class Sasl {

    public enum Mechanism {
        PLAIN, LOGIN;

        /** The mechanism named in AUTH (case-insensitive, RFC 4954 4); empty for any other. */
        public static Optional<Mechanism> of(String name) {
            try {
                return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /** Lower case, for metric labels and the audit log. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Longest client line of an exchange, in Base64 characters. */
    public static final int MAX_LINE = 2048;
    public static final int MAX_NAME = 320;
    public static final int MAX_PASSWORD = 512;
    /** LOGIN's challenges, Base64 of "Username:" and "Password:": the session sends "334 " + one of these. */
    public static final String LOGIN_USERNAME_CHALLENGE = "VXNlcm5hbWU6";
    public static final String LOGIN_PASSWORD_CHALLENGE = "UGFzc3dvcmQ6";

    private Sasl() {
    }

    /**
     * {@code AUTH PLAIN [initial-response]}: no initial response asks for one (the session sends
     * "334 " with an empty challenge, RFC 4954 4); "=" is an empty one, which holds no credentials.
     */
    public static SaslStep plainInitial(String initialResponse) {
        return initialResponse == null ? SaslStep.challenge() : tooLong(initialResponse) ? SaslStep.tooLong() : plain(initialResponse);
    }

    /** The client's line after PLAIN's empty challenge: "*" cancels (RFC 4954 4). */
    public static SaslStep plainResponse(String line) {
        return isCancel(line) ? SaslStep.cancelled() : tooLong(line) ? SaslStep.tooLong() : plain(line);
    }

    /**
     * {@code AUTH LOGIN [initial-response]}: without one the session asks for the user name
     * ({@link #LOGIN_USERNAME_CHALLENGE}); some clients send the name as an initial response.
     */
    public static SaslStep loginInitial(String initialResponse) {
        return initialResponse == null ? SaslStep.challenge() : tooLong(initialResponse) ? SaslStep.tooLong() : loginName(initialResponse);
    }

    /** The line after "334 VXNlcm5hbWU6": the user name; next the session asks for the password. */
    public static SaslStep loginUsername(String line) {
        return isCancel(line) ? SaslStep.cancelled() : tooLong(line) ? SaslStep.tooLong() : loginName(line);
    }

    /** The line after "334 UGFzc3dvcmQ6": the password, completing the credentials of {@code username}. */
    public static SaslStep loginPassword(String username, String line) {
        if (isCancel(line)) {
            return SaslStep.cancelled();
        }
        if (tooLong(line)) {
            return SaslStep.tooLong();
        }
        String password = decode(line, MAX_PASSWORD);
        return password == null || password.indexOf('\0') >= 0 ? SaslStep.malformed() : SaslStep.credentials(username, password);
    }

    private static SaslStep loginName(String line) {
        String name = decode(line, MAX_NAME);
        return name == null || name.isEmpty() || name.indexOf('\0') >= 0 ? SaslStep.malformed() : SaslStep.username(name);
    }

    /** RFC 4616 2: message = [authzid] NUL authcid NUL passwd, each without NUL. */
    private static SaslStep plain(String line) {
        String message = decode(line, MAX_NAME * 2 + MAX_PASSWORD + 2);
        if (message == null) {
            return SaslStep.malformed();
        }
        int first = message.indexOf('\0');
        int second = first < 0 ? -1 : message.indexOf('\0', first + 1);
        if (first < 0 || second < 0 || message.indexOf('\0', second + 1) >= 0) {
            return SaslStep.malformed();
        }
        String authzid = message.substring(0, first);
        String authcid = message.substring(first + 1, second);
        String password = message.substring(second + 1);
        if (authcid.isEmpty() || password.isEmpty() || octets(authcid) > MAX_NAME || octets(authzid) > MAX_NAME
                || octets(password) > MAX_PASSWORD) {
            return SaslStep.malformed();
        }
        // RFC 4616 2: acting as another identity is an authorization we never grant, so only an
        // authzid equal to the authcid (or none) may pass.
        if (!authzid.isEmpty() && !authzid.equals(authcid)) {
            return SaslStep.authzidRefused();
        }
        return SaslStep.credentials(authcid, password);
    }

    private static boolean isCancel(String line) {
        return "*".equals(line);
    }

    /** RFC 4954 4: a line over our limit gets 500 5.5.6, not the 501 of an undecodable one. */
    private static boolean tooLong(String line) {
        return line != null && line.length() > MAX_LINE;
    }

    /**
     * Strict Base64 then strict UTF-8; null when it is neither, or longer than the limits. "="
     * stands for an empty response (RFC 4954 4).
     */
    static String decode(String line, int maxOctets) {
        if (line == null || line.length() > MAX_LINE) {
            return null;
        }
        if (line.equals("=")) {
            return "";
        }
        if (line.isEmpty() || line.length() % 4 != 0) {
            return null; // RFC 4648 3.2: padding is required here
        }
        byte[] octets;
        try {
            octets = Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (octets.length > maxOctets) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(octets)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
