package io.mailgateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeaderFieldsTest {

    private static HeaderFields scan(String message, String... names) throws IOException {
        return HeaderFields.scan(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), Set.of(names));
    }

    @Test
    void should_keep_the_wanted_fields_in_any_case_with_their_offsets() throws IOException {
        String head = "Received: from a\r\nFROM: <a@example.org>\r\nSubject: hi\r\nfrom : <b@example.org>\r\n";
        HeaderFields h = scan(head + "\r\nFrom: in the body\r\n", "from");
        assertThat(h.fields()).extracting(HeaderFields.Field::value).containsExactly("<a@example.org>", "<b@example.org>");
        assertThat(h.fields()).extracting(HeaderFields.Field::name).containsOnly("from");
        HeaderFields.Field first = h.fields().get(0);
        assertThat(head.substring((int) first.start(), (int) first.end())).isEqualTo("FROM: <a@example.org>\r\n");
        assertThat(h.headerEnd()).isEqualTo(head.length() + 2);
    }

    @Test
    void should_not_take_a_name_that_only_starts_or_ends_like_a_wanted_one() throws IOException {
        HeaderFields h = scan("X-From: a\r\nFromage: b\r\nFro: c\r\n\r\n", "from");
        assertThat(h.fields()).isEmpty();
    }

    @Test
    void should_unfold_a_wanted_value_and_skip_an_unwanted_one() throws IOException {
        HeaderFields h = scan("To: x\r\n y\r\nAuthentication-Results: mx.test;\r\n\tspf=pass\r\n\r\n", "authentication-results");
        assertThat(h.fields()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("authentication-results");
            assertThat(f.value()).isEqualTo("mx.test;\tspf=pass");
        });
    }

    @Test
    void should_find_fields_across_chunk_boundaries_and_cap_long_lines() throws IOException {
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < 300; i++) { // about 9 KB: several of the scan's 4 KiB chunks
            head.append("X-Filler-").append(i).append(": ").append("y".repeat(20)).append("\r\n");
            if (i % 37 == 0) {
                head.append("From: <").append(i).append("@example.org>\r\n");
            }
        }
        head.append("Subject: ").append("z".repeat(3000)).append("\r\n"); // only the first 1024 octets are looked at
        String message = head + "\r\nFrom: not a header\r\n";
        // a stream that hands out 7 octets per read, as a socket might
        java.io.InputStream slow = new java.io.FilterInputStream(
                new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        HeaderFields h = HeaderFields.scan(slow, Set.of("from", "subject"));
        assertThat(h.named("from")).hasSize(9).allSatisfy(f ->
                assertThat(message.substring((int) f.start(), (int) f.end())).isEqualTo("From: " + f.value() + "\r\n"));
        assertThat(h.named("subject")).singleElement().satisfies(f -> {
            assertThat(f.value()).isEqualTo("z".repeat(1024 - "Subject: ".length()));
            assertThat(f.end()).isEqualTo(head.length());
        });
        assertThat(h.headerEnd()).isEqualTo(head.length() + 2);
        // the same buffers serve the next scan on this thread: nothing of this one shows
        assertThat(scan("From: b\r\n\r\n", "from").fields()).extracting(HeaderFields.Field::value).containsExactly("b");
    }

    @Test
    void should_not_match_a_name_with_octets_beyond_ascii() throws IOException {
        byte[] message = "Fr\u00f6m: a\r\nFrom: b\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        HeaderFields h = HeaderFields.scan(new ByteArrayInputStream(message), Set.of("from", "fröm"));
        assertThat(h.fields()).extracting(HeaderFields.Field::value).containsExactly("b");
    }
}
