package io.mailgateway.smtp.camel;

import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.MessageContent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Prepends the RFC 5321 4.4 trace header:
 * <pre>
 * Received: from HELO ([IP])
 *         by HOST (mail-gateway) with ESMTP id QUEUEID
 *         for &lt;rcpt&gt;; DATE
 * </pre>
 * "for" is only given for a single recipient, so Bcc recipients are not disclosed. The
 * "with" keyword (RFC 3848) reports TLS and authentication when the session had them.
 */
public class ReceivedHeader implements Processor {

    private static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private final String hostname;

    public ReceivedHeader(String hostname) {
        this.hostname = hostname;
    }

    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        Message in = exchange.getIn();
        MessageContent content = in.getMandatoryBody(MessageContent.class);
        in.setBody(content.withPrefix(header(in).getBytes(StandardCharsets.UTF_8)));
    }

    String header(Message in) {
        Envelope envelope = EnvelopeCodec.read(in);
        String ip = envelope.client().address();
        String literal = ip.contains(":") ? "[IPv6:" + ip + "]" : "[" + ip + "]";
        long at = in.getHeader(MailHeaders.RECEIVED_AT, Long.class);
        StringBuilder h = new StringBuilder(200)
                .append("Received: from ").append(clean(envelope.client().helo()))
                .append(" (").append(literal).append(")\r\n");
        String tls = envelope.client().tls();
        if (tls != null) {
            // as Postfix writes it: which TLS protected the hop
            int space = tls.indexOf(' ');
            h.append("\t(using ").append(clean(space < 0 ? tls : tls.substring(0, space)));
            if (space > 0) {
                h.append(" with cipher ").append(clean(tls.substring(space + 1)));
            }
            h.append(")\r\n");
        }
        h
                .append("\tby ").append(hostname).append(" (mail-gateway) with ")
                .append(in.getHeader(MailHeaders.PROTOCOL, String.class))
                .append(" id ").append(in.getHeader(MailHeaders.QUEUE_ID, String.class));
        if (envelope.recipients().size() == 1) {
            // RFC 5321 4.4: "for" only with a single recipient, so one copy does not reveal the others
            h.append("\r\n\tfor <").append(clean(envelope.recipients().get(0).address())).append(">");
        }
        h.append("; ").append(RFC5322.format(Instant.ofEpochMilli(at).atZone(ZoneId.systemDefault()))).append("\r\n");
        return h.toString();
    }

    /** Client-supplied text goes into a header: no control characters, no comment tricks. */
    private static String clean(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c < 32 || c == 127 || c == '(' || c == ')' || c == ';' ? '?' : c);
        }
        return out.toString();
    }
}
