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

    /** An LDH label (RFC 1035 2.3.1, digits first allowed as RFC 1123 2.1 does). */
    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    /** RFC 5321 4.1.3: [IPv4] or [IPv6:...]; the address itself is checked by InetAddress. */
    private static final java.util.regex.Pattern ADDRESS_LITERAL = java.util.regex.Pattern.compile(
            "\\[(\\d{1,3}(\\.\\d{1,3}){3})]|\\[IPv6:([0-9A-Fa-f:.]+)]");

    /**
     * What may follow EHLO and stand in the greeting and Received (RFC 5321 4.1.1.1, 4.1.3): a
     * domain name of LDH labels and dots, or an address literal; empty when {@code emptyMeans}.
     * Anything else (a systemd Environment= line keeps an inline "# comment") is refused.
     */
    public static Function<String, String> domainOrAddressLiteral(String emptyMeans) {
        return v -> {
            if (v.isEmpty()) {
                return null;
            }
            if (v.length() <= 253 && v.matches(LABEL + "(\\." + LABEL + ")*")) {
                return null;
            }
            java.util.regex.Matcher literal = ADDRESS_LITERAL.matcher(v);
            if (literal.matches()) {
                if (literal.group(1) != null
                        ? java.util.Arrays.stream(literal.group(1).split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255)
                        : isIpv6(literal.group(3))) {
                    return null;
                }
            }
            return "must be a domain name (letters, digits, '-' and dots, e.g. mx1.example.com) or an address literal"
                    + " such as [192.0.2.1], or empty for " + emptyMeans + "; got '" + v + "'";
        };
    }

    /** A host containing ':' is parsed as an IPv6 literal, never looked up in DNS. */
    private static boolean isIpv6(String address) {
        try {
            return address.contains(":") && java.net.InetAddress.getByName(address) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
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
