package io.mailgateway.policy.dmarc;

import io.mailgateway.policy.HeaderFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The RFC5322.From domain DMARC evaluates (RFC 7489 3.1, 6.6.1): the message must have exactly
 * one From field holding exactly one mailbox. {@link #of} tells which case a message is in.
 */
public record AuthorDomain(Status status, String domain) {

    public enum Status {
        /** one From field with one mailbox: {@link #domain()} is set */
        ONE,
        /** no From field at all */
        ABSENT,
        /** several From fields, or several mailboxes in one */
        MULTIPLE,
        /** a From field whose mailbox has no usable domain (syntax, domain literal, empty group) */
        INVALID,
        /**
         * a From field too long to read whole (a line over 1,024 octets, over 16 KiB in all): the
         * part read may name another domain than the one a mail client shows, so no verdict on it
         */
        CUT
    }

    public static AuthorDomain of(List<HeaderFields.Field> fromFields) {
        if (fromFields.isEmpty()) {
            return new AuthorDomain(Status.ABSENT, null);
        }
        if (fromFields.size() > 1) {
            return new AuthorDomain(Status.MULTIPLE, null);
        }
        if (fromFields.get(0).cut()) {
            return new AuthorDomain(Status.CUT, null);
        }
        List<String> addresses = mailboxes(fromFields.get(0).value());
        if (addresses.size() > 1) {
            return new AuthorDomain(Status.MULTIPLE, null);
        }
        if (addresses.isEmpty()) {
            return new AuthorDomain(Status.INVALID, null);
        }
        String address = addresses.get(0);
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? "" : address.substring(at + 1).trim().toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (!isDomainName(domain)) {
            return new AuthorDomain(Status.INVALID, null);
        }
        return new AuthorDomain(Status.ONE, domain);
    }

    /** A DNS name of letters, digits, hyphens (or UTF-8 labels, RFC 6531), with at least two labels. */
    static boolean isDomainName(String d) {
        if (d.isEmpty() || d.length() > 253 || !d.contains(".")) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The addr-specs of an RFC 5322 3.4 mailbox-list / address-list: display names, comments,
     * quoted strings (which may contain ',', '@' and '<') and groups are understood.
     */
    static List<String> mailboxes(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder plain = new StringBuilder(); // the current mailbox without comments and quotes' specials
        StringBuilder angle = null;
        boolean sawAngle = false;
        int comment = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < value.length()) {
                    i++;
                    (angle != null ? angle : plain).append('x');
                } else if (c == '"') {
                    quoted = false;
                    (angle != null ? angle : plain).append('"');
                } else {
                    (angle != null ? angle : plain).append(c == '@' || c == ',' || c == '<' || c == '>' || c == ':' || c == ';' ? 'x' : c);
                }
                continue;
            }
            if (comment > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    comment++;
                } else if (c == ')') {
                    comment--;
                }
                continue;
            }
            switch (c) {
                case '(' -> comment++;
                case '"' -> {
                    quoted = true;
                    (angle != null ? angle : plain).append('"');
                }
                case '<' -> {
                    angle = new StringBuilder();
                    sawAngle = true;
                }
                case '>' -> {
                    if (angle != null) {
                        plain.setLength(0);
                        plain.append(angle);
                        angle = null;
                    }
                }
                case ':' -> {
                    if (angle == null && !sawAngle) {
                        plain.setLength(0); // "group-name:" starts a group; the name is no address
                    } else if (angle != null) {
                        angle.append(c);
                    }
                }
                case ',', ';' -> {
                    if (angle != null) {
                        angle.append(c);
                    } else {
                        add(out, plain);
                        sawAngle = false;
                    }
                }
                default -> (angle != null ? angle : plain).append(c);
            }
        }
        if (angle != null) {
            plain.setLength(0);
            plain.append("<unterminated");
        }
        add(out, plain);
        return out;
    }

    private static void add(List<String> out, StringBuilder mailbox) {
        String m = mailbox.toString().trim();
        mailbox.setLength(0);
        if (!m.isEmpty()) {
            out.add(m.replaceAll("\\s+", ""));
        }
    }
}
