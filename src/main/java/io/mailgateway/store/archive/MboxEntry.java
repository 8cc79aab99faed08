package io.mailgateway.store.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
        try {
            write(queueId, sender, receivedAt, new ByteArrayInputStream(message), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from byte array streams
        }
        return out.toByteArray();
    }

    /**
     * Writes the entry of a message read from {@code message} to {@code out}, streaming (the same
     * bytes as {@link #encode()}; memory is one buffer, whatever the message size). {@code out}
     * should be buffered: the quoting writes single bytes.
     */
    static void write(String queueId, String sender, long receivedAt, InputStream message, OutputStream out) throws IOException {
        String from = sender.isEmpty() ? "MAILER-DAEMON" : sender.replaceAll("\\s", "_");
        out.write(("From " + from + " " + ASCTIME.format(Instant.ofEpochMilli(receivedAt)) + "\r\n"
                + QUEUE_ID_HEADER + queueId + "\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] buf = new byte[64 * 1024];
        boolean inPrefix = true; // at the start of a line, in what may still become >*From
        long quotes = 0; // '>' seen in the prefix
        int matched = 0; // then this much of "From "
        int last = -1;
        int n;
        while ((n = message.read(buf)) >= 0) {
            if (n == 0) {
                continue;
            }
            last = buf[n - 1];
            int i = 0;
            while (i < n) {
                if (!inPrefix) {
                    int nl = indexOf(buf, (byte) '\n', i, n);
                    int end = nl < 0 ? n : nl + 1;
                    out.write(buf, i, end - i);
                    i = end;
                    inPrefix = nl >= 0;
                    continue;
                }
                byte b = buf[i++];
                if (b == '>' && matched == 0) {
                    quotes++;
                } else if (b == FROM[matched]) {
                    if (++matched == FROM.length) {
                        out.write('>');
                        writePrefix(out, quotes, matched);
                        quotes = 0;
                        matched = 0;
                        inPrefix = false;
                    }
                } else {
                    writePrefix(out, quotes, matched);
                    quotes = 0;
                    matched = 0;
                    out.write(b);
                    inPrefix = b == '\n';
                }
            }
        }
        writePrefix(out, quotes, matched); // a last line that ended inside a prefix
        if (last >= 0 && last != '\n') {
            out.write(new byte[] {'\r', '\n'});
        }
        out.write(new byte[] {'\r', '\n'});
    }

    private static void writePrefix(OutputStream out, long quotes, int matched) throws IOException {
        for (long q = 0; q < quotes; q++) {
            out.write('>');
        }
        out.write(FROM, 0, matched);
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
        return indexOf(b, v, from, b.length);
    }

    private static int indexOf(byte[] b, byte v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
