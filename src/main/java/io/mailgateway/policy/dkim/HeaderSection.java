package io.mailgateway.policy.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The header section of a message, read from a stream up to (and including) the empty line; the
 * stream is left at the first body octet. Fields keep their exact octets (as ISO-8859-1 text, one
 * char per octet) with their folding and final CRLF, which "simple" canonicalization needs.
 */
final class HeaderSection {

    /** One header field: raw text including continuation lines and the final line end. */
    record Field(String raw) {
        String name() {
            int colon = raw.indexOf(':');
            return (colon < 0 ? raw : raw.substring(0, colon)).strip();
        }

        String lowerName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The value after the colon, line ends and all. */
        String value() {
            int colon = raw.indexOf(':');
            return colon < 0 ? "" : raw.substring(colon + 1);
        }
    }

    static final class TooLargeException extends IOException {
        TooLargeException(int limit) {
            super("header section larger than " + limit + " octets");
        }
    }

    final List<Field> fields;
    private Map<String, List<Field>> byName;

    private HeaderSection(List<Field> fields) {
        this.fields = fields;
    }

    /**
     * Reads fields until the empty line (CRLF or bare LF) or the end of the stream.
     *
     * @throws TooLargeException when the header section exceeds {@code limit} octets
     */
    static HeaderSection read(InputStream in, int limit) throws IOException {
        List<Field> fields = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream(256);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int total = 0;
        while (true) {
            line.reset();
            int b;
            while ((b = in.read()) >= 0) {
                line.write(b);
                if (++total > limit) {
                    throw new TooLargeException(limit);
                }
                if (b == '\n') {
                    break;
                }
            }
            byte[] l = line.toByteArray();
            boolean eof = b < 0;
            boolean empty = l.length == 0 || isLineEnd(l);
            boolean continuation = l.length > 0 && (l[0] == ' ' || l[0] == '\t');
            if (!continuation && field.size() > 0) {
                fields.add(new Field(field.toString(StandardCharsets.ISO_8859_1)));
                field.reset();
            }
            if (empty) {
                return new HeaderSection(fields);
            }
            field.write(l, 0, l.length);
            if (eof) {
                fields.add(new Field(field.toString(StandardCharsets.ISO_8859_1)));
                return new HeaderSection(fields);
            }
        }
    }

    private static boolean isLineEnd(byte[] l) {
        return (l.length == 1 && l[0] == '\n') || (l.length == 2 && l[0] == '\r' && l[1] == '\n');
    }

    /**
     * Fields named {@code lowerName}, top to bottom. From an index built once: a scan of every
     * field per name made a signature whose h= repeats a name n times over n fields cost n^2
     * (8,000 of each, 48 KB of header, took 8.6 s of CPU before its signature was even checked).
     */
    List<Field> all(String lowerName) {
        if (byName == null) {
            Map<String, List<Field>> index = new HashMap<>();
            for (Field f : fields) {
                index.computeIfAbsent(f.lowerName(), k -> new ArrayList<>()).add(f);
            }
            byName = index;
        }
        return Collections.unmodifiableList(byName.getOrDefault(lowerName, List.of()));
    }
}
