package io.mailgateway.store.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

/**
 * One message as an mboxrd entry: a {@code From SENDER DATE} separator line, an
 * {@code X-Mail-Gateway-Queue-Id:} line (the idempotency key), the message with every line that
 * matches {@code >*From } quoted by one more {@code >}, and a blank line. Lines end as they do in
 * the message (CRLF as received over SMTP); the two lines the archive adds end in CRLF.
 *
 * @param queueId the gateway's queue ID
 * @param sender  envelope sender, empty for the null sender
 * @param message the message bytes as received (with the gateway's Received header)
 */
public record MboxEntry(String queueId, String sender, long receivedAt, byte[] message) {

    static final String QUEUE_ID_HEADER = "X-Mail-Gateway-Queue-Id: ";
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final byte[] FROM = "From ".getBytes(StandardCharsets.US_ASCII);

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 256);
        String from = sender.isEmpty() ? "MAILER-DAEMON" : sender.replaceAll("\\s", "_");
        out.writeBytes(("From " + from + " " + ASCTIME.format(Instant.ofEpochMilli(receivedAt)) + "\r\n"
                + QUEUE_ID_HEADER + queueId + "\r\n").getBytes(StandardCharsets.UTF_8));
        int start = 0;
        while (start < message.length) {
            int end = indexOf(message, (byte) '\n', start);
            end = end < 0 ? message.length : end + 1;
            if (isFromLine(message, start, end)) {
                out.write('>');
            }
            out.write(message, start, end - start);
            start = end;
        }
        if (message.length > 0 && message[message.length - 1] != '\n') {
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        out.writeBytes(new byte[] {'\r', '\n'});
        return out.toByteArray();
    }

    /** The inverse of {@link #encode()} (a message that did not end in a line break gets CRLF). */
    public static MboxEntry decode(byte[] entry) {
        int first = indexOf(entry, (byte) '\n', 0) + 1;
        String fromLine = new String(entry, 0, first, StandardCharsets.UTF_8).strip();
        int second = indexOf(entry, (byte) '\n', first) + 1;
        String idLine = new String(entry, first, second - first, StandardCharsets.UTF_8).strip();
        if (!fromLine.startsWith("From ") || !idLine.startsWith(QUEUE_ID_HEADER.strip())) {
            throw new IllegalArgumentException("not an archive mbox entry");
        }
        String[] parts = fromLine.split(" ", 3);
        String sender = "MAILER-DAEMON".equals(parts[1]) ? "" : parts[1];
        String queueId = idLine.substring(QUEUE_ID_HEADER.length() - 1).strip();
        long at = parts.length > 2 ? java.time.LocalDateTime.parse(parts[2].replace("  ", " 0"),
                DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss yyyy", Locale.ROOT)).toInstant(ZoneOffset.UTC).toEpochMilli() : 0;
        int bodyEnd = entry.length - 2; // the separating blank line
        ByteArrayOutputStream out = new ByteArrayOutputStream(bodyEnd - second);
        int start = second;
        while (start < bodyEnd) {
            int end = indexOf(entry, (byte) '\n', start);
            end = end < 0 || end >= bodyEnd ? bodyEnd : end + 1;
            if (entry[start] == '>' && isFromLine(entry, start + 1, end)) {
                start++;
            }
            out.write(entry, start, end - start);
            start = end;
        }
        return new MboxEntry(queueId, sender, at, out.toByteArray());
    }

    /** {@code >*From } at the start of a line. */
    private static boolean isFromLine(byte[] b, int start, int end) {
        int i = start;
        while (i < end && b[i] == '>') {
            i++;
        }
        return end - i >= FROM.length && Arrays.equals(b, i, i + FROM.length, FROM, 0, FROM.length);
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
