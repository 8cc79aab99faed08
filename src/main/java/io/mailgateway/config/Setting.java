package io.mailgateway.config;

import java.util.function.Function;

/**
 * One configuration key: its name (also the environment variable), its default and what it
 * means (both copied into docs/configuration.md, which a test keeps in step), and how a value
 * is checked. A null default means "unset" (the key is optional).
 */
public record Setting(String key, String defaultValue, String meaning, Function<String, String> check) {

    /** Checks return null for a good value, or a sentence saying what is wrong. */
    public static Function<String, String> any() {
        return v -> null;
    }

    public static Function<String, String> integer(long min, long max) {
        return v -> {
            try {
                long n = Long.parseLong(v.trim());
                return n < min || n > max ? "must be between " + min + " and " + max + ", got " + v : null;
            } catch (NumberFormatException e) {
                return "must be a whole number, got '" + v + "'";
            }
        };
    }

    /** 0, which means {@code zeroMeans} (e.g. "the kernel's default"), or a whole number between min and max. */
    public static Function<String, String> zeroOrBetween(long min, long max, String zeroMeans) {
        return v -> {
            try {
                long n = Long.parseLong(v.trim());
                return n == 0 || (n >= min && n <= max) ? null
                        : "must be 0 (" + zeroMeans + ") or between " + min + " and " + max + ", got " + v;
            } catch (NumberFormatException e) {
                return "must be a whole number, got '" + v + "'";
            }
        };
    }

    public static Function<String, String> bool() {
        return v -> v.trim().equalsIgnoreCase("true") || v.trim().equalsIgnoreCase("false")
                ? null : "must be true or false, got '" + v + "'";
    }

    public static Function<String, String> domainList() {
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

    public static Function<String, String> hostname() {
        return v -> v.trim().matches("[A-Za-z0-9.:\\-\\[\\]]+") ? null : "must be a host name or address, got '" + v + "'";
    }

    public static Function<String, String> decimal(double min, double max) {
        return v -> {
            try {
                double d = Double.parseDouble(v.trim());
                return d >= min && d <= max ? null : "must be between " + min + " and " + max + ", got " + v;
            } catch (NumberFormatException e) {
                return "must be a number, got '" + v + "'";
            }
        };
    }

    /** A duration: seconds (decimals allowed) or a number with the unit ms, s, m, h or d, e.g. 0.2, 500ms, 5d. */
    public static Function<String, String> duration() {
        return v -> {
            try {
                return parseDuration(v).isNegative() ? "must not be negative, got " + v : null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        };
    }

    static java.time.Duration parseDuration(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h|d)?")
                .matcher(value.trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("must be seconds or a number with ms, s, m, h or d, got '" + value + "'");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 86_400_000;
        };
        return java.time.Duration.ofMillis(Math.round(millis));
    }
}
