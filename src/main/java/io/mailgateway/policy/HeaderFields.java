package io.mailgateway.policy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One streaming pass over a message's header section (RFC 5322 2.2) that keeps only the fields
 * asked for, with their byte offsets. The body is never read and nothing but the wanted fields'
 * values (each capped) is held in memory, however large the header section is.
 */
public final class HeaderFields {

    /**
     * A field: lower-case name, unfolded value (at most {@link #MAX_VALUE} chars), octets [start,
     * end) incl. its CRLF; {@code cut} when the value is not all there (a physical line over 1,024
     * octets, or more than MAX_VALUE in all): whoever decides on it must not take the part for the
     * whole (a From cut short named another domain than the one a mail client shows).
     */
    public record Field(String name, String value, long start, long end, boolean cut) {
    }

    /** Longest value kept of one field; a longer one is cut (a From that long is hostile anyway). */
    public static final int MAX_VALUE = 16 * 1024;

    private final List<Field> fields;
    private final long headerEnd;

    private HeaderFields(List<Field> fields, long headerEnd) {
        this.fields = fields;
        this.headerEnd = headerEnd;
    }

    public List<Field> fields() {
        return fields;
    }

    /** Offset just past the header section (after the empty line), or the message size if it has none. */
    public long headerEnd() {
        return headerEnd;
    }

    public List<Field> named(String lowerCaseName) {
        return fields.stream().filter(f -> f.name().equals(lowerCaseName)).toList();
    }

    /**
     * Scans {@code in} to the end of the header section; {@code names} are lower case. It reads
     * {@code in} in chunks, so it may read past the header section: the caller closes it after.
     */
    public static HeaderFields scan(InputStream in, Set<String> names) throws IOException {
        // Buffers of this thread, not new ones per scan: every message is scanned at least once.
        // (A BufferedInputStream also took its lock for every octet.)
        Scratch scratch = SCRATCH.get();
        Chunks octets = new Chunks(in, scratch.chunk);
        List<Field> out = new ArrayList<>();
        StringBuilder value = null;
        String name = null;
        boolean[] cut = {false};
        long fieldStart = 0;
        long offset = 0;
        byte[] line = scratch.line;
        while (true) {
            // one physical line, up to and including LF; only its first 1024 octets are looked at
            int n = 0;
            long lineStart = offset;
            int b;
            boolean content = false;
            boolean lineCut = false;
            while ((b = octets.read()) != -1) {
                offset++;
                if (n < line.length) {
                    line[n++] = (byte) b;
                } else {
                    lineCut = true;
                }
                if (b == '\n') {
                    break;
                }
                content = true;
            }
            if (n == 0) { // end of input: no body
                close(out, name, value, fieldStart, offset, cut[0]);
                return new HeaderFields(out, offset);
            }
            boolean empty = !content || (n == 2 && line[0] == '\r');
            boolean continuation = !empty && (line[0] == ' ' || line[0] == '\t');
            if (!continuation) {
                close(out, name, value, fieldStart, lineStart, cut[0]);
                name = null;
                value = null;
            }
            if (empty) {
                return new HeaderFields(out, offset);
            }
            if (continuation) {
                if (value != null) {
                    append(value, line, 0, n, cut);
                    cut[0] |= lineCut; // the part looked at is kept, nothing after it
                }
                continue;
            }
            int colon = indexOf(line, n, (byte) ':');
            // a wanted name whose colon comes only past the octets looked at ("From" + 1,100 spaces + ":")
            String fieldName = colon >= 0 ? wanted(line, colon, names) : lineCut ? wanted(line, n, names) : null;
            fieldStart = lineStart;
            if (fieldName != null) {
                name = fieldName;
                value = new StringBuilder();
                cut[0] = false;
                if (colon >= 0) {
                    append(value, line, colon + 1, n, cut);
                }
                cut[0] |= lineCut;
            } else {
                name = null;
            }
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** One thread's buffers: the chunk read from the stream, and the looked-at part of a line. */
    private static final class Scratch {
        final byte[] chunk = new byte[4096];
        final byte[] line = new byte[1024];
    }

    /** The octets of a stream, read a chunk at a time into a buffer owned by the caller. */
    private static final class Chunks {
        private final InputStream in;
        private final byte[] chunk;
        private int pos;
        private int limit;

        Chunks(InputStream in, byte[] chunk) {
            this.in = in;
            this.chunk = chunk;
        }

        int read() throws IOException {
            if (pos == limit) {
                int got = in.read(chunk, 0, chunk.length);
                if (got <= 0) {
                    return -1;
                }
                pos = 0;
                limit = got;
            }
            return chunk[pos++] & 0xff;
        }
    }

    private static void close(List<Field> out, String name, StringBuilder value, long start, long end, boolean cut) {
        if (name != null) {
            out.add(new Field(name, value.toString().trim(), start, end, cut));
        }
    }

    /** Appends a line's part to the value; past MAX_VALUE nothing more (not a later short line either): {@code cut}. */
    private static void append(StringBuilder value, byte[] line, int from, int to, boolean[] cut) {
        int end = to;
        while (end > from && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
            end--;
        }
        if (!cut[0] && value.length() + (end - from) <= MAX_VALUE) {
            value.append(new String(line, from, end - from, StandardCharsets.UTF_8));
        } else {
            cut[0] = true;
        }
    }

    /**
     * The name in {@code names} that the field name in {@code line[0, colon)} is (trimmed, any
     * case), or null. Compared in place: most fields of a message are not wanted, and a String
     * per header line was most of what a scan allocated.
     */
    private static String wanted(byte[] line, int colon, Set<String> names) {
        int from = 0;
        int to = colon;
        while (from < to && (line[from] & 0xff) <= ' ') {
            from++;
        }
        while (to > from && (line[to - 1] & 0xff) <= ' ') {
            to--;
        }
        for (String name : names) {
            if (name.length() == to - from && sameIgnoringAsciiCase(line, from, name)) {
                return name;
            }
        }
        return null;
    }

    private static boolean sameIgnoringAsciiCase(byte[] line, int from, String lowerCaseName) {
        for (int i = 0; i < lowerCaseName.length(); i++) {
            int b = line[from + i] & 0xff;
            if (b >= 0x80) { // a field name is US-ASCII (RFC 5322 2.2): no 8-bit octet matches
                return false;
            }
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerCaseName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] line, int n, byte c) {
        for (int i = 0; i < n; i++) {
            if (line[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
