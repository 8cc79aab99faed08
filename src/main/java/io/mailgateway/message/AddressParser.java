package io.mailgateway.message;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * The one parser of mailbox addresses (RFC 5321 4.1.2 {@code Mailbox}, with RFC 6531's UTF-8):
 * splits at the '@' that ends the local part (a quoted local part may hold '@' itself), checks the
 * syntax and the octet limits of RFC 5321 4.5.3.1, and gives the canonical {@link Mailbox}.
 * Strict: no control characters, no empty labels, no trailing dot.
 */
public final class AddressParser {

    /** RFC 5321 4.5.3.1.1 and 4.5.3.1.2, in octets. */
    public static final int MAX_LOCAL_PART = 64;
    public static final int MAX_DOMAIN = 255;

    private AddressParser() {
    }

    /** A parsed mailbox and whether its local part was written as a quoted string. */
    public record Parsed(Mailbox mailbox, boolean quoted) {
    }

    /** {@code local@domain} as written in a path, e.g. {@code "a b"@example.com}. */
    public static Optional<Parsed> parseMailbox(String text) {
        int at = endOfLocalPart(text);
        if (at <= 0 || at >= text.length() - 1 || text.charAt(at) != '@') {
            return Optional.empty();
        }
        String local = text.substring(0, at);
        String domain = text.substring(at + 1);
        if (octets(local) > MAX_LOCAL_PART || octets(domain) > MAX_DOMAIN) {
            return Optional.empty();
        }
        boolean quoted = local.startsWith("\"");
        if (quoted ? !isQuotedString(local) : !isDotString(local)) {
            return Optional.empty();
        }
        if (!isDomain(domain) && !isAddressLiteral(domain)) {
            return Optional.empty();
        }
        String canonicalLocal = Normalizer.normalize(quoted ? unquote(local) : local, Normalizer.Form.NFC);
        if (canonicalLocal.isEmpty() || octets(canonicalLocal) > MAX_LOCAL_PART) {
            return Optional.empty();
        }
        String canonicalDomain = Normalizer.normalize(domain, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        return Optional.of(new Parsed(new Mailbox(canonicalLocal, canonicalDomain), quoted));
    }

    /** Index of the '@' after the local part: past a quoted string's closing quote, else the first '@'. */
    private static int endOfLocalPart(String s) {
        if (!s.startsWith("\"")) {
            return s.indexOf('@');
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1 < s.length() ? i + 1 : -1;
            }
        }
        return -1;
    }

    /** RFC 5321 Dot-string: atoms of atext (plus UTF-8, RFC 6531) joined by single dots. */
    public static boolean isDotString(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(isAtext(c) || c == '.')) {
                return false;
            }
        }
        return true;
    }

    // RFC 5322 atext, plus any non-ASCII character (RFC 6531 UTF8-non-ascii).
    static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c > 127;
    }

    /** RFC 5321 Quoted-string: qtextSMTP or backslash-escaped printable ASCII; no control characters. */
    static boolean isQuotedString(String s) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return false;
        }
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= s.length() - 1 || s.charAt(i) < 32 || s.charAt(i) > 126) {
                    return false;
                }
            } else if (c < 32 || c == 127 || c == '"') {
                return false;
            }
        }
        return true;
    }

    private static String unquote(String quoted) {
        StringBuilder b = new StringBuilder(quoted.length());
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\') {
                i++;
                c = quoted.charAt(i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The quoted-string form of a local part that is no dot-string. */
    static String quote(String local) {
        StringBuilder b = new StringBuilder(local.length() + 2).append('"');
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** A domain name of LDH labels (or U-labels, RFC 6531), no empty label, no trailing dot. */
    public static boolean isDomain(String d) {
        if (d.isEmpty() || d.endsWith(".")) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || octets(label) > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                if (!ldh && c <= 127) {
                    return false;
                }
            }
        }
        return true;
    }

    /** RFC 5321 4.1.3 address literal: [IPv4] or [IPv6:...]. */
    static boolean isAddressLiteral(String d) {
        if (!d.startsWith("[") || !d.endsWith("]")) {
            return false;
        }
        String inner = d.substring(1, d.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return inner.substring(5).matches("[0-9A-Fa-f:.]{2,45}");
        }
        String[] parts = inner.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
