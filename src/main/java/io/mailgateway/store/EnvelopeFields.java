package io.mailgateway.store;

import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.util.json.JsonArray;

/**
 * A step for an operator's own store route, bound as {@code envelopeFields}: the envelope's
 * fields as plain headers that {@code sql:}, {@code file:} or any endpoint can use without
 * parsing the envelope JSON ({@link io.mailgateway.message.MailHeaders#ENVELOPE}):
 * {@value #SENDER} (SMTP form, empty for the null sender), {@value #RECIPIENTS} (a JSON array of
 * addresses, as the SQL store's column), {@value #RECIPIENT_COUNT}, {@value #CLIENT_IP}. The
 * queue ID, time and size are already headers (MailQueueId, MailReceivedAt, MailSize). The body
 * is not read. See docs/examples/store-sql-endpoint.camel.yaml.
 */
public final class EnvelopeFields implements Processor {

    public static final String SENDER = "MailSender";
    public static final String RECIPIENTS = "MailRecipients";
    public static final String RECIPIENT_COUNT = "MailRecipientCount";
    public static final String CLIENT_IP = "MailClientIp";

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getIn();
        Envelope envelope = EnvelopeCodec.read(in);
        JsonArray recipients = new JsonArray();
        envelope.recipients().forEach(r -> recipients.add(r.address()));
        in.setHeader(SENDER, envelope.sender().toString());
        in.setHeader(RECIPIENTS, recipients.toJson());
        in.setHeader(RECIPIENT_COUNT, recipients.size());
        in.setHeader(CLIENT_IP, envelope.client().address());
    }
}
