package io.mailgateway.reply;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One SMTP reply (RFC 5321 4.2): a three-digit code, an RFC 3463 enhanced status on every line
 * (RFC 2034), one or more text lines, and whether the server closes the connection after it.
 * Client-facing text stays generic; details belong in the log.
 */
public record SmtpReply(int code, EnhancedStatus status, List<String> lines, boolean closesConnection) {

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        if (status != null && status.statusClass() != code / 100) {
            throw new IllegalArgumentException("enhanced status " + status + " does not match code " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs at least one line");
        }
    }

    public static SmtpReply of(int code, EnhancedStatus status, String text) {
        return new SmtpReply(code, status, List.of(text), false);
    }

    /** The same reply, followed by closing the connection. */
    public SmtpReply thenClose() {
        return new SmtpReply(code, status, lines, true);
    }

    /** The same code and status with other text, e.g. "queued as ID". */
    public SmtpReply withText(String text) {
        return new SmtpReply(code, status, List.of(text), closesConnection);
    }

    /**
     * The same reply with its retry hint made exact: "..., try again later" becomes "..., try
     * again in N seconds" (a client that reads it need not guess; RFC 5321 4.5.4.1 leaves the
     * retry strategy to the client).
     */
    public SmtpReply retryIn(long seconds) {
        String text = lines.get(0).replace("try again later", "try again in " + seconds + (seconds == 1 ? " second" : " seconds"));
        return withText(text);
    }

    public boolean isPositive() {
        return code < 400;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    /** Wire form: "250-first" ... "250 last", each line ending in CRLF. */
    public byte[] toBytes() {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (status != null) {
                sb.append(status).append(' ');
            }
            sb.append(lines.get(i)).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return new String(toBytes(), StandardCharsets.UTF_8).trim();
    }
}
