package io.mailgateway.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RFC 3464 delivery status notification ("bounce") for recipients that failed for good:
 * {@code multipart/report; report-type=delivery-status} (RFC 6522) with a human-readable part,
 * the {@code message/delivery-status} part (one per-recipient block each, Action: failed, or
 * Action: delayed for a delay warning) and
 * the original message's header section as {@code text/rfc822-headers}. Built by hand: it is a
 * few lines of ASCII, and no MIME library is on the runtime classpath.
 */
public final class DeliveryStatusNotification {

    /** Header sections longer than this are cut (at a line end) in the DSN's third part. */
    static final int MAX_ORIGINAL_HEADERS = 64 * 1024;

    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.([0-9]{1,3})\\.([0-9]{1,3})(?:\\s|$)");
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    /**
     * One recipient given up on.
     *
     * @param recipient the original recipient address
     * @param reply     the last reply for it (from the next hop, or made up for a connection failure)
     * @param remoteMta the next hop host that gave the reply, or null
     * @param reason    why it failed for good, in words for the human part
     */
    public record Failure(String recipient, RemoteReply reply, String remoteMta, String reason) {
    }

    private DeliveryStatusNotification() {
    }

    /**
     * @param reportingMta    our host name (SMTP_HOSTNAME)
     * @param messageId       the DSN's own Message-ID local part (its queue ID)
     * @param sender          the original envelope sender, who gets the DSN
     * @param arrivalMillis   when the original message was received
     * @param originalHeaders the original message, read up to the end of its header section
     */
    public static byte[] build(String reportingMta, String messageId, String sender, long arrivalMillis,
            List<Failure> failures, InputStream originalHeaders) throws IOException {
        return build(reportingMta, messageId, sender, arrivalMillis, failures, originalHeaders, null);
    }

    /**
     * A delay warning (RFC 3464 2.3.3 "delayed") when {@code retryUntilMillis} is not null: the
     * recipients failed temporarily and are still being retried until then; else a failure report.
     */
    public static byte[] build(String reportingMta, String messageId, String sender, long arrivalMillis,
            List<Failure> failures, InputStream originalHeaders, Long retryUntilMillis) throws IOException {
        boolean delayed = retryUntilMillis != null;
        String boundary = "=_" + messageId + "/" + reportingMta;
        String now = DATE.format(Instant.now().atZone(ZoneOffset.UTC));
        StringBuilder m = new StringBuilder(4096);
        line(m, "From: Mail Delivery System <MAILER-DAEMON@" + reportingMta + ">");
        line(m, "To: <" + sender + ">");
        line(m, delayed ? "Subject: Delayed Mail (still being retried)" : "Subject: Undelivered Mail Returned to Sender");
        line(m, "Date: " + now);
        line(m, "Message-ID: <" + messageId + "@" + reportingMta + ">");
        // RFC 3834: an automatic reply; well-behaved software does not answer it.
        line(m, "Auto-Submitted: auto-replied");
        line(m, "MIME-Version: 1.0");
        line(m, "Content-Type: multipart/report; report-type=delivery-status;");
        line(m, "\tboundary=\"" + boundary + "\"");
        line(m, "");
        line(m, "This is a MIME-encapsulated message.");
        line(m, "");
        line(m, "--" + boundary);
        line(m, "Content-Description: Notification");
        line(m, "Content-Type: text/plain; charset=us-ascii");
        line(m, "");
        line(m, "This is the mail system at host " + reportingMta + ".");
        line(m, "");
        if (delayed) {
            line(m, "Your message could not be delivered yet to one or more recipients.");
            line(m, "Delivery will be retried until " + DATE.format(Instant.ofEpochMilli(retryUntilMillis).atZone(ZoneOffset.UTC)) + ".");
            line(m, "You do not need to send it again. Its headers are attached below.");
        } else {
            line(m, "Your message could not be delivered to one or more recipients.");
            line(m, "It is attached below (headers only).");
        }
        line(m, "");
        for (Failure f : failures) {
            line(m, "<" + f.recipient() + ">: " + f.reason());
            line(m, "    " + (f.remoteMta() == null ? "" : "host " + f.remoteMta() + " said: ") + ascii(f.reply().toString()));
            line(m, "");
        }
        line(m, "--" + boundary);
        line(m, "Content-Description: Delivery report");
        line(m, "Content-Type: message/delivery-status");
        line(m, "");
        // RFC 3464 2.2: per-message fields, then one block per recipient, blocks separated by a blank line.
        line(m, "Reporting-MTA: dns; " + reportingMta);
        line(m, "Arrival-Date: " + DATE.format(Instant.ofEpochMilli(arrivalMillis).atZone(ZoneOffset.UTC)));
        for (Failure f : failures) {
            line(m, "");
            line(m, "Final-Recipient: rfc822; " + f.recipient());
            line(m, delayed ? "Action: delayed" : "Action: failed");
            line(m, "Status: " + status(f.reply()));
            if (f.remoteMta() != null) {
                line(m, "Remote-MTA: dns; " + f.remoteMta());
            }
            line(m, "Diagnostic-Code: smtp; " + ascii(f.reply().toString()));
            line(m, "Last-Attempt-Date: " + now);
            if (delayed) {
                line(m, "Will-Retry-Until: " + DATE.format(Instant.ofEpochMilli(retryUntilMillis).atZone(ZoneOffset.UTC)));
            }
        }
        line(m, "");
        line(m, "--" + boundary);
        line(m, "Content-Description: Undelivered Message Headers");
        line(m, "Content-Type: text/rfc822-headers");
        line(m, "");
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.length() + 8192);
        out.write(m.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(headerSection(originalHeaders));
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** RFC 3463 status of a reply: its enhanced code if it has one, else the class alone (X.0.0). */
    static String status(RemoteReply reply) {
        Matcher e = ENHANCED.matcher(reply.text());
        if (e.find()) {
            return e.group(1) + "." + e.group(2) + "." + e.group(3);
        }
        return (reply.isPermanent() ? "5" : "4") + ".0.0";
    }

    /** The header section (up to and without the empty line), CRLF line ends, cut at {@link #MAX_ORIGINAL_HEADERS}. */
    static byte[] headerSection(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        ByteArrayOutputStream lineBuf = new ByteArrayOutputStream(256);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] l = lineBuf.toByteArray();
                int len = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
                if (len == 0 || out.size() + len + 2 > MAX_ORIGINAL_HEADERS) {
                    break;
                }
                out.write(l, 0, len);
                out.write('\r');
                out.write('\n');
                lineBuf.reset();
            } else if (lineBuf.size() < MAX_ORIGINAL_HEADERS) {
                lineBuf.write(b);
            }
        }
        return out.toByteArray();
    }

    private static String ascii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.append(c >= 32 && c < 127 ? (char) c : '?'));
        return b.toString();
    }

    private static void line(StringBuilder m, String text) {
        m.append(text).append("\r\n");
    }
}
