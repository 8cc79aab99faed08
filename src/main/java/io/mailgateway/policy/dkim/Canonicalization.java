package io.mailgateway.policy.dkim;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** RFC 6376 section 3.4: "simple" and "relaxed" canonicalization. */
enum Canonicalization {
    SIMPLE, RELAXED;

    static Canonicalization of(String name) {
        return switch (name) {
            case "simple" -> SIMPLE;
            case "relaxed" -> RELAXED;
            default -> throw new IllegalArgumentException("unknown canonicalization '" + name + "'");
        };
    }

    String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * A header field in this canonical form, ending in CRLF (3.4.1 and 3.4.2). {@code raw} is the
     * field as received, continuation lines and final line end included.
     */
    String header(String raw) {
        if (this == SIMPLE) {
            return raw.endsWith("\r\n") ? raw : raw.endsWith("\n") ? raw.substring(0, raw.length() - 1) + "\r\n" : raw + "\r\n";
        }
        int colon = raw.indexOf(':');
        if (colon < 0) { // not a field (no colon): canonicalized as a name with an empty value
            colon = raw.length();
            raw = raw + ":";
        }
        String name = raw.substring(0, colon).replaceAll("[\r\n]", "").strip().toLowerCase(Locale.ROOT);
        String value = raw.substring(colon + 1)
                .replaceAll("\r?\n", "")        // unfold
                .replaceAll("[ \t]+", " ")       // WSP runs to one SP
                .strip();                        // WSP before the value and at its end
        return name + ":" + value + "\r\n";
    }

    static byte[] bytes(String canonical) {
        return canonical.getBytes(StandardCharsets.ISO_8859_1);
    }
}
