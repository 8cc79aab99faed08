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
    }
}
