package io.mailgateway.delivery;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * TRANSPORT_MAP and RELAY_HOST parsed: which transport carries mail for a recipient domain.
 * Entries as in Postfix's transport(5): {@code domain=mx} (MX lookup of the domain),
 * {@code domain=smtp:host[:port]} (MX lookup of host), {@code domain=smtp:[host][:port]} (that
 * host, A/AAAA only); {@code *} matches every other domain. RELAY_HOST, when set, replaces the
 * {@code *} entry (Postfix's relayhost).
 */
public final class TransportMap {

    /** How to find the hosts of a next hop. */
    public enum Kind {
        /** MX lookup of the recipient domain itself. */
        MX,
        /** MX lookup of a named host (falling back to its A/AAAA). */
        SMTP_MX,
        /** A/AAAA of a named host, or an address literal: no MX lookup. */
        SMTP_DIRECT
    }

    /** One transport; {@code host} is null for {@link Kind#MX}. */
    public record Transport(Kind kind, String host, int port) {
        /** A name for logs and grouping, e.g. {@code smtp:[127.0.0.1]:2600}. */
        public String describe(String domain) {
            return switch (kind) {
                case MX -> "mx:" + domain;
                case SMTP_MX -> "smtp:" + host + ":" + port;
                case SMTP_DIRECT -> "smtp:[" + host + "]:" + port;
            };
        }
    }

    private static final Transport MX = new Transport(Kind.MX, null, 25);

    private final Map<String, Transport> entries;
    private final Transport fallback;

    private TransportMap(Map<String, Transport> entries, Transport fallback) {
        this.entries = entries;
        this.fallback = fallback;
    }

    public static TransportMap parse(String map, String relayHost) {
        Map<String, Transport> entries = new LinkedHashMap<>();
        Transport star = MX;
        for (String part : map.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("entry '" + p + "' is not DOMAIN=TRANSPORT");
            }
            String domain = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            Transport t = transport(p.substring(eq + 1).trim());
            if (domain.equals("*")) {
                star = t;
            } else {
                entries.put(domain, t);
            }
        }
        if (relayHost != null && !relayHost.isBlank()) {
            star = smtp(relayHost.trim());
        }
        return new TransportMap(Map.copyOf(entries), star);
    }

    /** The entry naming this domain, if any ({@code *} does not count). */
    public Optional<Transport> explicit(String domain) {
        return Optional.ofNullable(entries.get(domain.toLowerCase(Locale.ROOT)));
    }

    public Transport forDomain(String domain) {
        return explicit(domain).orElse(fallback);
    }

    private static Transport transport(String value) {
        if (value.equalsIgnoreCase("mx")) {
            return MX;
        }
        if (value.regionMatches(true, 0, "smtp:", 0, 5)) {
            return smtp(value.substring(5));
        }
        throw new IllegalArgumentException("transport '" + value + "' is not mx, smtp:host:port or smtp:[host]:port");
    }

    /** "host", "host:port", "[host]", "[host]:port", "[v6::addr]:port". */
    static Transport smtp(String dest) {
        int port = 25;
        String host;
        Kind kind;
        if (dest.startsWith("[")) {
            int close = dest.indexOf(']');
            if (close < 2) {
                throw new IllegalArgumentException("'" + dest + "' has no closing ]");
            }
            host = dest.substring(1, close);
            kind = Kind.SMTP_DIRECT;
            String rest = dest.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + dest + "': expected :port after ]");
                }
                port = port(rest.substring(1), dest);
            }
        } else {
            int colon = dest.lastIndexOf(':');
            host = colon < 0 ? dest : dest.substring(0, colon);
            if (colon >= 0) {
                port = port(dest.substring(colon + 1), dest);
            }
            kind = Kind.SMTP_MX;
        }
        if (!host.matches("[A-Za-z0-9.:\\-_]+")) {
            throw new IllegalArgumentException("'" + host + "' is not a host name or address");
        }
        return new Transport(kind, host.toLowerCase(Locale.ROOT), port);
    }

    private static int port(String s, String dest) {
        try {
            int port = Integer.parseInt(s);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("'" + dest + "': port must be 1 to 65535");
    }

    /** Setting check for TRANSPORT_MAP: null when good. */
    public static String check(String value) {
        try {
            parse(value, "");
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Setting check for RELAY_HOST: null when good. */
    public static String checkRelayHost(String value) {
        if (value.isBlank()) {
            return null;
        }
        try {
            smtp(value.trim());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
