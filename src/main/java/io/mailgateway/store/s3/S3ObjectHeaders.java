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
    /**
     * AWS allows 2 KB of user metadata in all (the UTF-8 octets of every key and value), and
     * answers more with 400 MetadataTooLarge, which fails the message for good: it went to
     * store.s3.dlq, and its requeue failed the same way. So values are cut by octets, after
     * encoding, and the recipient list gets what the other fields leave of this budget.
     */
    static final int METADATA_BUDGET = 2000;
    static final int MAX_FIELD_OCTETS = 300;

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

    static Map<String, String> metadata(Message in, String queueId, long receivedAt) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("queue-id", queueId);
        Envelope envelope = EnvelopeCodec.read(in);
        m.put("sender", field(envelope.sender().toString(), MAX_FIELD_OCTETS));
        m.put("recipient-count", String.valueOf(envelope.recipients().size()));
        m.put("client-address", field(nonNull(envelope.client().address()), MAX_FIELD_OCTETS));
        m.put("helo", field(nonNull(envelope.client().helo()), MAX_FIELD_OCTETS));
        m.put("protocol", field(in.getHeader(MailHeaders.PROTOCOL, "", String.class), MAX_FIELD_OCTETS));
        m.put("received-at", Instant.ofEpochMilli(receivedAt).toString());
        // For people browsing the bucket (display only: the envelope itself is in the SQL store and the archive).
        int left = METADATA_BUDGET - octets(m) - "recipients".length();
        m.put("recipients", field(envelope.recipients().stream().map(Recipient::address).collect(Collectors.joining(" ")), left));
        return m;
    }

    /** What S3 counts of the metadata: the UTF-8 octets of each key and value. */
    static int octets(Map<String, String> metadata) {
        int n = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            n += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /**
     * Metadata travels as HTTP headers: printable ASCII as is, anything else (SMTPUTF8
     * addresses, a HELO with control bytes) as an RFC 2047 encoded word, as S3 itself returns
     * non-ASCII metadata. A value longer than {@code maxOctets} octets as sent is cut, marked
     * with "..." (an encoded word takes 12 octets plus 4 per 3 octets of UTF-8).
     */
    static String field(String value, int maxOctets) {
        if (value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return value.length() <= maxOctets ? value : value.substring(0, Math.max(0, maxOctets - 3)) + "...";
        }
        int maxUtf8 = Math.max(0, (maxOctets - 12) / 4 * 3);
        String v = value.getBytes(StandardCharsets.UTF_8).length <= maxUtf8 ? value : utf8Prefix(value, maxUtf8 - 3) + "...";
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /** The longest prefix of {@code value}, whole code points, of at most {@code octets} octets of UTF-8. */
    private static String utf8Prefix(String value, int octets) {
        int used = 0;
        int end = 0;
        while (end < value.length()) {
            int cp = value.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (used + size > octets) {
                break;
            }
            used += size;
            end += Character.charCount(cp);
        }
        return value.substring(0, end);
    }
}
