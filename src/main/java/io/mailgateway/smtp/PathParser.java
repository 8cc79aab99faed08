package io.mailgateway.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses the argument of MAIL FROM: and RCPT TO: (RFC 5321 4.1.2, 4.1.1.2, 4.1.1.3) into a
 * path and its ESMTP parameters. Strict where it matters for safety (no control characters,
 * length limits of 4.5.3.1, one '@'), lenient where common clients differ harmlessly (a space
 * after the colon, a source route, which is ignored as 4.1.1.3 says).
 */
public final class PathParser {

    static final int MAX_LOCAL_PART = 64;
    static final int MAX_DOMAIN = 255;
    static final int MAX_PATH = 256;

    private PathParser() {
    }

    /** The result: the address (or the null sender) and the raw "KEY[=VALUE]" parameters. */
    public record ParsedPath(MailAddress address, List<String> parameters, boolean postmaster) {
    }

    /**
     * @param args    text after the verb, e.g. "FROM:<a@b> SIZE=10"
     * @param keyword "FROM" or "TO"
     */
    public static Optional<ParsedPath> parse(String args, String keyword) {
        String prefix = keyword + ":";
        if (args.length() < prefix.length() || !args.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return Optional.empty();
        }
        String rest = args.substring(prefix.length()).stripLeading();
        if (!rest.startsWith("<")) {
            return Optional.empty();
        }
        int close = findClosingBracket(rest);
        if (close < 0) {
            return Optional.empty();
        }
        String path = rest.substring(1, close);
        String tail = rest.substring(close + 1);
        if (!tail.isEmpty() && !tail.startsWith(" ")) {
            return Optional.empty();
        }
        List<String> params = new ArrayList<>();
        for (String p : tail.trim().split(" +")) {
            if (!p.isEmpty()) {
                params.add(p);
            }
        }
        if (path.length() > MAX_PATH) {
            return Optional.empty();
        }
        if (path.isEmpty()) {
            return Optional.of(new ParsedPath(MailAddress.NULL_SENDER, params, false));
        }
        if (path.equalsIgnoreCase("postmaster")) {
            // RFC 5321 4.5.1: <Postmaster> without a domain must be accepted.
            return Optional.of(new ParsedPath(new MailAddress("postmaster", ""), params, true));
        }
        if (path.startsWith("@")) {
            int colon = path.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            path = path.substring(colon + 1); // source route: ignored (RFC 5321 4.1.1.3 / C)
        }
        return parseMailbox(path).map(a -> new ParsedPath(a, params, false));
    }

    private static int findClosingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    static Optional<MailAddress> parseMailbox(String mailbox) {
        int at = mailbox.lastIndexOf('@');
        if (at <= 0 || at == mailbox.length() - 1) {
            return Optional.empty();
        }
        String local = mailbox.substring(0, at);
        String domain = mailbox.substring(at + 1);
        if (local.length() > MAX_LOCAL_PART || domain.length() > MAX_DOMAIN) {
            return Optional.empty();
        }
        if (!(isDotString(local) || isQuotedString(local)) || !(isDomain(domain) || isAddressLiteral(domain))) {
            return Optional.empty();
        }
        return Optional.of(new MailAddress(local, domain));
    }

    private static boolean isDotString(String s) {
        if (s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
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
    private static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c > 127;
    }

    private static boolean isQuotedString(String s) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return false;
        }
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= s.length() - 1 || s.charAt(i) < 32 || s.charAt(i) == 127) {
                    return false;
                }
            } else if (c < 32 || c == 127 || c == '"') {
                return false;
            }
        }
        return true;
    }

    private static boolean isDomain(String d) {
        if (d.endsWith(".")) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
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

    private static boolean isAddressLiteral(String d) {
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
}
