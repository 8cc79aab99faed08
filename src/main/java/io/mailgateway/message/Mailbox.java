package io.mailgateway.message;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A mailbox in canonical form: the local part unquoted (RFC 5321 4.1.2: {@code "bob"} and
 * {@code bob} name the same mailbox) and NFC-normalized, the domain lower-cased. The local part
 * keeps its case (RFC 5321 2.4); only stores that need it (Maildir directory names) fold ASCII.
 * {@link #toString()} gives the SMTP form: a dot-string where one can be written, else a
 * quoted string. Made only by {@link AddressParser}, the one place an address is split at '@'.
 */
public record Mailbox(String localPart, String domain) {

    /** The null reverse-path {@code <>} (bounces, DSNs). */
    public static final Mailbox NULL = new Mailbox("", "");

    /** Parses an address as written in SMTP ({@code bob@example.com}, {@code "b o b"@example.com}); empty if it is none. */
    public static Optional<Mailbox> parse(String address) {
        return AddressParser.parseMailbox(address).map(AddressParser.Parsed::mailbox);
    }

    /** {@link #parse}, or an IllegalArgumentException naming the address. */
    public static Mailbox of(String address) {
        return parse(address).orElseThrow(() -> new IllegalArgumentException("not a mailbox address: " + address));
    }

    public boolean isNull() {
        return localPart.isEmpty() && domain.isEmpty();
    }

    /** True if any part is outside ASCII, which needs SMTPUTF8 (RFC 6531). */
    public boolean needsSmtpUtf8() {
        return !isAscii(localPart) || !isAscii(domain);
    }

    /** The local part as it goes into an SMTP command: a dot-string if it is one, else quoted (RFC 5321 4.1.2). */
    public String smtpLocalPart() {
        return AddressParser.isDotString(localPart) ? localPart : AddressParser.quote(localPart);
    }

    /** SMTP form, {@code local@domain}; empty for the null sender. */
    @Override
    public String toString() {
        return isNull() ? "" : smtpLocalPart() + "@" + domain;
    }

    static boolean isAscii(String s) {
        return s.length() == s.getBytes(StandardCharsets.UTF_8).length;
    }
}
