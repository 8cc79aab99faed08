package io.mailgateway.smtp;

import io.mailgateway.message.AddressParser;
import io.mailgateway.message.Mailbox;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses the argument of MAIL FROM: and RCPT TO: (RFC 5321 4.1.2, 4.1.1.2, 4.1.1.3) into a
 * path and its ESMTP parameters; the mailbox itself is {@link AddressParser}'s. Strict where it
 * matters for safety (no control characters, the octet limits of 4.5.3.1), lenient where common
 * clients differ harmlessly (a space after the colon, a source route, which is ignored as
 * 4.1.1.3 says).
 */
public final class PathParser {

    /** RFC 5321 4.5.3.1.3: a path, angle brackets included, is at most 256 octets. */
    static final int MAX_PATH = 256;
    // compiled once: String.split(" +") compiles its pattern on every call, twice per message
    private static final Pattern SPACES = Pattern.compile(" +");

    private PathParser() {
    }

    /**
     * The result: the mailbox (or the null sender), the address as the client wrote it, the raw
     * "KEY[=VALUE]" parameters, and whether it was the bare {@code <Postmaster>}.
     */
    public record ParsedPath(Mailbox address, String written, List<String> parameters, boolean postmaster) {
    }

    /**
     * The command line held octets that are not UTF-8: the decoder turned them into U+FFFD, so
     * different octets would read as the same address. RFC 6531 3.3 allows well-formed UTF-8
     * only (RFC 3629); such a path is refused as bad syntax, with or without SMTPUTF8.
     */
    public static boolean notUtf8(String args) {
        return args.indexOf('\uFFFD') >= 0;
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
        String spaced = tail.trim();
        if (!spaced.isEmpty()) { // most paths have no parameters: no split at all then
            for (String p : SPACES.split(spaced)) {
                if (!p.isEmpty()) {
                    params.add(p);
                }
            }
        }
        if (path.getBytes(StandardCharsets.UTF_8).length + 2 > MAX_PATH) {
            return Optional.empty();
        }
        if (path.isEmpty()) {
            return Optional.of(new ParsedPath(Mailbox.NULL, "", params, false));
        }
        if (path.equalsIgnoreCase("postmaster")) {
            // RFC 5321 4.5.1: <Postmaster> without a domain must be accepted.
            return Optional.of(new ParsedPath(null, path, params, true));
        }
        if (path.startsWith("@")) {
            int colon = path.indexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            path = path.substring(colon + 1); // source route: ignored (RFC 5321 4.1.1.3 / C)
        }
        String written = path;
        return AddressParser.parseMailbox(path).map(p -> new ParsedPath(p.mailbox(), written, params, false));
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
}
