package io.mailgateway.store.s3;

import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.Recipient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import io.mailgateway.store.StoreStep;
import org.apache.camel.StreamCache;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets what the aws2-s3 producer needs for one message: the key
 * {@code PREFIX/yyyy/mm/dd/QUEUEID.eml} (date of MailReceivedAt in UTC), the envelope as object
 * metadata, the content type, and the length when the body knows it (a spooled stream cache or
 * bytes), so the upload streams instead of reading the message into memory to measure it.
 * The key depends only on the message, so a redelivered message overwrites its own object.
 * A message without a readable envelope or receipt time can never get a key or metadata: it goes
 * to store.s3.dlq ({@link StoreStep}).
 */
public final class S3ObjectHeaders extends StoreStep {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    /** AWS allows 2 KB of user metadata in all; long recipient lists are cut to this. */
    static final int MAX_RECIPIENTS_CHARS = 1024;
    static final int MAX_FIELD_CHARS = 255;

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectHeaders.class);

    private final String prefix;

    public S3ObjectHeaders(String prefix) {
        super("s3");
        this.prefix = prefix.replaceAll("^/+|/+$", "");
    }

    @Override
    protected void store(Exchange exchange) {
        Message in = exchange.getIn();
        String queueId = in.getHeader(MailHeaders.QUEUE_ID, String.class);
        long receivedAt = in.getHeader(MailHeaders.RECEIVED_AT, Long.class);
        in.setHeader(AWS2S3Constants.KEY, key(queueId, receivedAt));
        in.setHeader(AWS2S3Constants.CONTENT_TYPE, "message/rfc822");
        in.setHeader(AWS2S3Constants.METADATA, metadata(in, queueId, receivedAt));
        Object body = in.getBody();
        if (body instanceof StreamCache cache && cache.length() > 0) {
            in.setHeader(AWS2S3Constants.CONTENT_LENGTH, cache.length());
        } else if (body instanceof byte[] bytes) {
            in.setHeader(AWS2S3Constants.CONTENT_LENGTH, (long) bytes.length);
        }
        LOG.debug("{}: s3 key {}, body {} of {} octets", queueId, in.getHeader(AWS2S3Constants.KEY),
                body == null ? null : body.getClass().getSimpleName(), in.getHeader(AWS2S3Constants.CONTENT_LENGTH));
    }

    String key(String queueId, long receivedAt) {
        String path = DAY.format(Instant.ofEpochMilli(receivedAt)) + "/" + queueId + ".eml";
        return prefix.isEmpty() ? path : prefix + "/" + path;
    }

    private static Map<String, String> metadata(Message in, String queueId, long receivedAt) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("queue-id", queueId);
        Envelope envelope = EnvelopeCodec.read(in);
        m.put("sender", field(envelope.sender().toString(), MAX_FIELD_CHARS));
        // For people browsing the bucket (display only: the envelope itself is in the SQL store and the archive).
        m.put("recipients", field(envelope.recipients().stream().map(Recipient::address)
                .collect(Collectors.joining(" ")), MAX_RECIPIENTS_CHARS));
        m.put("recipient-count", String.valueOf(envelope.recipients().size()));
        m.put("client-address", field(nonNull(envelope.client().address()), MAX_FIELD_CHARS));
        m.put("helo", field(nonNull(envelope.client().helo()), MAX_FIELD_CHARS));
        m.put("protocol", field(in.getHeader(MailHeaders.PROTOCOL, "", String.class), MAX_FIELD_CHARS));
        m.put("received-at", Instant.ofEpochMilli(receivedAt).toString());
        return m;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /**
     * Metadata travels as HTTP headers: printable ASCII as is, anything else (SMTPUTF8
     * addresses, a HELO with control bytes) as an RFC 2047 encoded word, as S3 itself returns
     * non-ASCII metadata. Values past {@code max} characters are cut, marked with "...".
     */
    static String field(String value, int max) {
        String v = value.length() > max ? value.substring(0, max - 3) + "..." : value;
        if (v.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return v;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
