package io.mailgateway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class S3ObjectHeadersTest {

    private static final long JUST_BEFORE_MIDNIGHT_UTC = Instant.parse("2026-01-31T23:59:59.999Z").toEpochMilli();

    @Test
    void should_build_the_key_from_prefix_utc_day_and_queue_id() {
        assertThat(new S3ObjectHeaders("mail").key("ABC1", JUST_BEFORE_MIDNIGHT_UTC)).isEqualTo("mail/2026/01/31/ABC1.eml");
        assertThat(new S3ObjectHeaders("/a/b/").key("ABC1", JUST_BEFORE_MIDNIGHT_UTC + 1)).isEqualTo("a/b/2026/02/01/ABC1.eml");
        assertThat(new S3ObjectHeaders("").key("ABC1", JUST_BEFORE_MIDNIGHT_UTC)).isEqualTo("2026/01/31/ABC1.eml");
    }

    @Test
    void should_keep_ascii_encode_the_rest_and_cut_long_values() {
        assertThat(S3ObjectHeaders.field("a@example.com", 255)).isEqualTo("a@example.com");
        assertThat(S3ObjectHeaders.field("j\u00f6rg@example.com", 255)).isEqualTo("=?UTF-8?B?asO2cmdAZXhhbXBsZS5jb20=?=");
        assertThat(S3ObjectHeaders.field("x".repeat(2000), 1024)).hasSize(1024).endsWith("...");
        String cut = S3ObjectHeaders.field("\u00e9".repeat(2000), 300); // 4,000 octets of UTF-8
        assertThat(cut).hasSizeLessThanOrEqualTo(300).startsWith("=?UTF-8?B?");
        assertThat(decoded(cut)).startsWith("\u00e9\u00e9").endsWith("...");
    }

    /**
     * An SMTPUTF8 message to many recipients with long non-ASCII local parts (any local part of a
     * local domain is accepted at RCPT) made 2,186 octets of metadata, which AWS refuses with 400
     * MetadataTooLarge: the message went to store.s3.dlq for good. The whole stays within 2 KB.
     */
    @Test
    void should_keep_the_whole_metadata_within_what_s3_allows() {
        org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext();
        org.apache.camel.support.DefaultMessage in = new org.apache.camel.support.DefaultMessage(camel);
        java.util.List<io.mailgateway.message.Recipient> rcpts = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            io.mailgateway.message.Mailbox box = io.mailgateway.message.Mailbox.parse("\u00e9".repeat(30) + i + "@example.com").orElseThrow();
            rcpts.add(io.mailgateway.message.Recipient.of(box, io.mailgateway.message.Disposition.LOCAL));
        }
        io.mailgateway.message.Envelope envelope = new io.mailgateway.message.Envelope(
                io.mailgateway.message.Mailbox.parse("\u00fc".repeat(30) + "@example.org").orElseThrow(), java.util.Map.of(), rcpts,
                new io.mailgateway.message.Client("192.0.2.1", "\u00e4".repeat(200), null, null));
        io.mailgateway.message.EnvelopeCodec.write(in, envelope);
        in.setHeader(io.mailgateway.message.MailHeaders.PROTOCOL, "UTF8SMTP");

        java.util.Map<String, String> metadata = S3ObjectHeaders.metadata(in, "01ABCDEFGHJKMNPQR", 0);

        assertThat(S3ObjectHeaders.octets(metadata)).isLessThanOrEqualTo(2048);
        assertThat(metadata.get("recipients")).startsWith("=?UTF-8?B?");
        assertThat(metadata).containsEntry("recipient-count", "40");
    }

    private static String decoded(String encodedWord) {
        String b64 = encodedWord.substring("=?UTF-8?B?".length(), encodedWord.length() - 2);
        return new String(java.util.Base64.getDecoder().decode(b64), java.nio.charset.StandardCharsets.UTF_8);
    }
}
