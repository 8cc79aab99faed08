package io.mailgateway.policy.dkim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A DKIM tag-list (RFC 6376 3.2): {@code tag=value; tag=value}, whitespace around tags and values ignored. */
final class TagList {

    private final Map<String, String> tags;

    private TagList(Map<String, String> tags) {
        this.tags = tags;
    }

    /** @throws IllegalArgumentException on a malformed list or a duplicate tag (both PERMFAIL) */
    static TagList parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : text.split(";", -1)) {
            if (spec.isBlank()) {
                continue; // a trailing ";" is allowed
            }
            int eq = spec.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("tag without '=': " + spec.strip());
            }
            String name = spec.substring(0, eq).strip();
            if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("bad tag name '" + name + "'");
            }
            if (tags.put(name, spec.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException("duplicate tag " + name + "=");
            }
        }
        return new TagList(tags);
    }

    String get(String name) {
        return tags.get(name);
    }

    String get(String name, String dflt) {
        return tags.getOrDefault(name, dflt);
    }

    String required(String name) {
        String v = tags.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name + "= tag");
        }
        return v;
    }

    /** The value without any whitespace (base64 and colon lists may be folded). */
    static String compact(String value) {
        return value == null ? null : value.replaceAll("[ \t\r\n]", "");
    }

    static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    boolean isFirst(String name) {
        return !tags.isEmpty() && tags.keySet().iterator().next().equals(name);
    }
}
