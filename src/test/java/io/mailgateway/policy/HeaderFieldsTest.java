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
    void should_not_match_a_name_with_octets_beyond_ascii() throws IOException {
        byte[] message = "Fr\u00f6m: a\r\nFrom: b\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        HeaderFields h = HeaderFields.scan(new ByteArrayInputStream(message), Set.of("from", "fröm"));
        assertThat(h.fields()).extracting(HeaderFields.Field::value).containsExactly("b");
    }
}
