package io.mailgateway.cli;

import io.mailgateway.auth.Sasl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A new password for the {@code user} commands, read from stdin only (never from the command
 * line, where the process list and the shell history would show it): one line of UTF-8, the
 * final line break dropped, at least {@link #MIN_LENGTH} characters and at most what AUTH
 * accepts ({@link Sasl#MAX_PASSWORD} octets).
 */
final class PasswordInput {

    static final int MIN_LENGTH = 8;

    /** Why a password was refused; the message is for the operator. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private PasswordInput() {
    }

    static String read(InputStream stdin) throws IOException, Refused {
        byte[] bytes = stdin.readNBytes(Sasl.MAX_PASSWORD + 3);
        if (bytes.length > Sasl.MAX_PASSWORD + 2) {
            throw new Refused("password longer than " + Sasl.MAX_PASSWORD + " octets");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused("password on stdin is not UTF-8");
        }
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw new Refused("empty password on stdin (e.g. printf '%s\\n' \"$PASSWORD\" | ... --password-stdin)");
        }
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0) {
            throw new Refused("password on stdin must be one line (no line breaks or NUL inside)");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > Sasl.MAX_PASSWORD) {
            throw new Refused("password longer than " + Sasl.MAX_PASSWORD + " octets");
        }
        if (text.codePointCount(0, text.length()) < MIN_LENGTH) {
            throw new Refused("password shorter than " + MIN_LENGTH + " characters");
        }
        return text;
    }
}
