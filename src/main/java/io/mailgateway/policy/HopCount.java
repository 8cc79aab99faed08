package io.mailgateway.policy;

import io.mailgateway.reply.EnhancedStatus;
import io.mailgateway.reply.SmtpReply;
import java.io.IOException;
import java.io.InputStream;

/**
 * Route step {@code hopCount}: refuses a message whose header section already holds more than
 * HOP_COUNT_LIMIT Received fields with {@code 554 5.4.6}, the loop detection of RFC 5321 6.3
 * (Postfix's hopcount_limit). Whatever the cause (two gateways that relay a domain to each
 * other, an MX or a transport map that points back at us), each pass adds one Received field,
 * so a loop ends here after at most that many passes, instead of accepting a new copy forever.
 * Only the header section is read, and only until the count is over the limit.
 */
public final class HopCount implements DataCheck {

    private static final byte[] RECEIVED = "received:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final int limit;

    public HopCount(int limit) {
        this.limit = limit;
    }

    @Override
    public Verdict onData(EndOfData message) throws IOException {
        int hops;
        try (InputStream in = message.content().openReceived()) {
            hops = receivedFields(in, limit + 1);
        }
        if (hops <= limit) {
            return Verdict.accept();
        }
        return Verdict.reject(SmtpReply.of(554, EnhancedStatus.of(5, 4, 6), "Too many hops: more than " + limit
                + " Received header fields, a mail loop"), "more than " + limit + " Received fields (mail loop)");
    }

    /**
     * Received fields at the top level of the header section of {@code in}, counted up to
     * {@code stopAt}: a line that starts with "Received:" in any case, before the first empty line.
     */
    static int receivedFields(InputStream in, int stopAt) throws IOException {
        byte[] buffer = new byte[4096];
        int count = 0;
        int column = 0; // octets of the current line so far
        boolean name = true; // the line so far is a prefix of "received:"
        boolean carriageReturnOnly = false; // the line so far is a lone CR: the empty line, once LF comes
        for (int n; (n = in.read(buffer)) > 0; ) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    if (column == 0 || carriageReturnOnly) {
                        return count; // end of the header section
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
                        return count;
                    }
                }
                column++;
            }
        }
        return count;
    }
}
