package io.mailgateway.policy;

import io.mailgateway.reply.EnhancedStatus;
import io.mailgateway.reply.SmtpReply;
import java.io.IOException;
import java.io.InputStream;

/**
 * Route step {@code headerLimits}, first of the end-of-data checks, on the header section as the
 * client sent it:
 * <ul>
 * <li>more than HOP_COUNT_LIMIT Received fields: {@code 554 5.4.6}, the loop detection of RFC
 *     5321 6.3 (Postfix's hopcount_limit). Whatever makes a loop (two gateways that relay a domain
 *     to each other, a NAT that sends our own MX connection back to us), each pass adds one
 *     Received field, so it ends here after at most that many passes instead of accepting a new
 *     copy forever;</li>
 * <li>a header section over {@link #MAX_HEADER_OCTETS}: {@code 552 5.3.4}, as Exim's
 *     header_maxsize. No mail needs it, and the steps after this one read the header section
 *     into memory (the DKIM verifier up to this much; removing a forged Authentication-Results
 *     copies the head before it), so 38 MB of header cost 193 MB of heap there.</li>
 * </ul>
 * Only the header section is read, and no further than a limit's end.
 */
public final class HeaderLimits implements DataCheck {

    /** 1 MiB: the DKIM verifier's limit too (over it, permerror). */
    public static final int MAX_HEADER_OCTETS = 1 << 20;

    private static final byte[] RECEIVED = "received:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final SmtpReply HEADER_TOO_BIG = SmtpReply.of(552, EnhancedStatus.of(5, 3, 4), "Message header section exceeds fixed limit");

    private final int hopLimit;

    public HeaderLimits(int hopLimit) {
        this.hopLimit = hopLimit;
    }

    /** What one pass found: Received fields counted (up to the limit + 1), and whether the section ended within the size limit. */
    record Scan(int receivedFields, boolean withinSize) {
    }

    @Override
    public Verdict onData(EndOfData message) throws IOException {
        Scan scan;
        try (InputStream in = message.content().openReceived()) {
            scan = scan(in, hopLimit + 1, MAX_HEADER_OCTETS);
        }
        if (scan.receivedFields() > hopLimit) {
            return Verdict.reject(SmtpReply.of(554, EnhancedStatus.of(5, 4, 6), "Too many hops: more than " + hopLimit
                    + " Received header fields, a mail loop"), "more than " + hopLimit + " Received fields (mail loop)");
        }
        if (!scan.withinSize()) {
            return Verdict.reject(HEADER_TOO_BIG, "header section over " + MAX_HEADER_OCTETS + " octets");
        }
        return Verdict.accept();
    }

    /** Received fields of the header section of {@code in} (a line that starts "Received:" in any case, before the first empty line). */
    static int receivedFields(InputStream in, int stopAt) throws IOException {
        return scan(in, stopAt, Long.MAX_VALUE).receivedFields();
    }

    /**
     * Reads the header section of {@code in}, counting Received fields up to {@code stopAt} and
     * octets up to {@code maxOctets}; stops at the empty line or at either limit.
     */
    static Scan scan(InputStream in, int stopAt, long maxOctets) throws IOException {
        byte[] buffer = new byte[4096];
        int count = 0;
        long octets = 0;
        int column = 0; // octets of the current line so far
        boolean name = true; // the line so far is a prefix of "received:"
        boolean carriageReturnOnly = false; // the line so far is a lone CR: the empty line, once LF comes
        for (int n; (n = in.read(buffer)) > 0; ) {
            for (int i = 0; i < n; i++) {
                if (++octets > maxOctets) {
                    return new Scan(count, false);
                }
                byte b = buffer[i];
                if (b == '\n') {
                    if (column == 0 || carriageReturnOnly) {
                        return new Scan(count, true); // end of the header section
                    }
                    column = 0;
                    name = true;
                    carriageReturnOnly = false;
                    continue;
                }
                carriageReturnOnly = column == 0 && b == '\r';
                if (name && column < RECEIVED.length) {
                    name = RECEIVED[column] == ':' ? b == ':' : (b | 0x20) == RECEIVED[column]; // letters in any case
                    if (name && column == RECEIVED.length - 1 && ++count >= stopAt) {
                        return new Scan(count, true);
                    }
                }
                column++;
            }
        }
        return new Scan(count, true);
    }
}
