package io.mailgateway.benchmark;

import java.nio.charset.StandardCharsets;

/**
 * A plain-text message as clients send them: a header section with a foreign trace and
 * Authentication-Results field, then a body of short lines, some starting with a dot (which
 * SMTP dot-stuffs on the wire, RFC 5321 4.5.2).
 */
final class SampleMessage {

    static final String FROM_DOMAIN = "example.com";

    private static final String HEADER = "Received: from relay.example.org (relay.example.org [192.0.2.10])\r\n"
            + "\tby mx.example.org with ESMTPS id 4Xk2Lq0bNz; Mon, 30 Nov 2026 18:59:58 +0000\r\n"
            + "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=example.com\r\n"
            + "From: Alice Example <alice@example.com>\r\n"
            + "To: Bob Example <bob@example.net>\r\n"
            + "Subject: Quarterly report, third draft\r\n"
            + "Date: Mon, 30 Nov 2026 19:00:00 +0000\r\n"
            + "Message-ID: <20261130190000.12345.abcdef@example.com>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n";
    private static final String LINE = "The figures for the quarter are in the attached table, line by line ..\r\n";
    private static final String DOT_LINE = "... and a line that starts with dots, which the client stuffs.      \r\n";

    private SampleMessage() {
    }

    /** The message as the client meant it (not dot-stuffed), about {@code size} octets. */
    static byte[] message(int size) {
        StringBuilder m = new StringBuilder(size + LINE.length()).append(HEADER);
        for (int i = 0; m.length() < size; i++) {
            m.append(i % 20 == 19 ? DOT_LINE : LINE);
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The same as it goes over the wire after DATA: dot-stuffed, ended by CRLF.CRLF. */
    static byte[] dataPhase(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        String stuffed = (text.startsWith(".") ? "." : "") + text.replace("\r\n.", "\r\n..");
        return (stuffed + ".\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
