package io.mailgateway.config;

import java.util.function.Function;

/**
 * One configuration key: its name (also the environment variable), its default and what it
 * means (both copied into docs/configuration.md, which a test keeps in step), and how a value
 * is checked. A null default means "unset" (the key is optional).
 */
public record Setting(String key, String defaultValue, String meaning, Function<String, String> check) {

    /** Checks return null for a good value, or a sentence saying what is wrong. */
    static Function<String, String> any() {
        return v -> null;
    }

    static Function<String, String> integer(long min, long max) {
        return v -> {
            try {
                long n = Long.parseLong(v.trim());
                return n < min || n > max ? "must be between " + min + " and " + max + ", got " + v : null;
            } catch (NumberFormatException e) {
                return "must be a whole number, got '" + v + "'";
            }
        };
    }

    static Function<String, String> bool() {
        return v -> v.trim().equalsIgnoreCase("true") || v.trim().equalsIgnoreCase("false")
                ? null : "must be true or false, got '" + v + "'";
    }

    static Function<String, String> domainList() {
        return v -> {
            String[] parts = v.split(",");
            for (String p : parts) {
                if (!p.trim().matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
                    return "must be a comma-separated list of domain names, '" + p.trim() + "' is not one";
                }
            }
            return null;
        };
    }

    static Function<String, String> hostname() {
        return v -> v.trim().matches("[A-Za-z0-9.:\\-\\[\\]]+") ? null : "must be a host name or address, got '" + v + "'";
    }
}
