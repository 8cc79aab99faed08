package io.mailgateway.policy.dkim;

import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.Mailbox;
import io.mailgateway.message.MessageContent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.StreamCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dkimSign} bean: puts a DKIM-Signature in front of the message (a
 * {@link MessageContent} view with a prefix, the body is not copied) when the From: domain, or
 * else the envelope sender's, is in DKIM_SIGN_DOMAINS, and the message is ours to sign: sent by
 * an authenticated user, or written by the gateway itself (a DSN). Other messages pass unchanged:
 * the delivery route also carries unauthenticated Internet mail for relayed domains, and signing
 * its forged "From: ceo@our-domain" gave anyone a valid signature of ours to replay (a bounce
 * from the inner server hands the signed copy back). Bodies that
 * are a Camel {@link StreamCache} are read twice (sign, then send) rather than copied; any other
 * body is converted to bytes.
 */
public final class DkimSignProcessor implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DkimSignProcessor.class);

    private final DkimSigner signer;

    public DkimSignProcessor(DkimSigner signer) {
        this.signer = signer;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (signer.isEmpty()) {
            return;
        }
        Message in = exchange.getMessage();
        if (Boolean.TRUE.equals(in.getHeader(MailHeaders.DKIM_SIGNED, Boolean.class))) {
            return; // signed at its first attempt; a retry sends the same signed bytes
        }
        if (!oursToSign(in)) {
            LOG.debug("DKIM not signed {}: neither authenticated nor the gateway's own", in.getHeader(MailHeaders.QUEUE_ID));
            return;
        }
        Object body = in.getBody();
        // The envelope sender's domain is the fallback when From: names no signing domain.
        Mailbox envelopeSender = in.getHeader(MailHeaders.ENVELOPE) == null ? Mailbox.NULL : EnvelopeCodec.read(in).sender();
        String sender = envelopeSender.isNull() ? null : envelopeSender.toString();
        byte[] field;
        if (body instanceof MessageContent content) {
            try (InputStream s = content.openStream()) {
                field = signer.sign(s, sender);
            }
            if (field != null) {
                in.setBody(content.withPrefix(field));
            }
        } else if (body instanceof StreamCache cache && body instanceof InputStream stream) {
            // e.g. a large message from the broker, spooled by Camel's stream caching: read twice, not copied
            cache.reset();
            field = signer.sign(stream, sender);
            cache.reset();
            if (field != null) {
                in.setBody(new SequenceInputStream(new ByteArrayInputStream(field), stream));
            }
        } else {
            byte[] bytes = in.getMandatoryBody(byte[].class);
            field = signer.sign(new ByteArrayInputStream(bytes), sender);
            if (field != null) {
                byte[] joined = new byte[field.length + bytes.length];
                System.arraycopy(field, 0, joined, 0, field.length);
                System.arraycopy(bytes, 0, joined, field.length, bytes.length);
                in.setBody(joined);
            }
        }
        if (field != null) {
            in.setHeader(MailHeaders.DKIM_SIGNED, Boolean.TRUE);
        }
        LOG.debug("DKIM {} {}", field == null ? "not signed" : "signed", in.getHeader(MailHeaders.QUEUE_ID));
    }

    /** Submitted by an authenticated user, or written by the gateway (protocol "local": DSNs, delay warnings). */
    static boolean oursToSign(Message in) {
        if (MailHeaders.PROTOCOL_LOCAL.equals(in.getHeader(MailHeaders.PROTOCOL, String.class))) {
            return true;
        }
        return in.getHeader(MailHeaders.ENVELOPE) != null && EnvelopeCodec.read(in).client().authUser() != null;
    }
}
