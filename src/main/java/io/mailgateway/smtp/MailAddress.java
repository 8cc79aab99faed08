package io.mailgateway.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A mailbox from an SMTP path (RFC 5321 4.1.2): local part and domain, or the null sender.
 * The local part is kept as the client sent it (quoted form included); the domain compares
 * case-insensitively.
 */
public record MailAddress(String localPart, String domain) {

    public static final MailAddress NULL_SENDER = new MailAddress("", "");

    public boolean isNull() {
        return localPart.isEmpty() && domain.isEmpty();
    }

    public String domainLowerCase() {
        return domain.toLowerCase(Locale.ROOT);
    }

    /** True if any part is outside ASCII, which needs SMTPUTF8 (RFC 6531). */
    public boolean needsSmtpUtf8() {
        String s = localPart + domain;
        return s.length() != s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public String toString() {
        return isNull() ? "" : localPart + "@" + domain;
    }
}
