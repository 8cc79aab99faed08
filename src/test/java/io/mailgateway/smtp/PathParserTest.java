package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PathParserTest {

    @ParameterizedTest
    @ValueSource(strings = {"FROM:<a@b.c>", "from:<a@b.c>", "FROM: <a@b.c>", "FROM:<\"a b\"@b.c>", "FROM:<a+tag@[127.0.0.1]>",
            "FROM:<a@[IPv6:::1]>", "FROM:<@relay.example:a@b.c>", "FROM:<j\u00f6rg@b\u00fccher.example>"})
    void should_accept_valid_paths(String args) {
        assertThat(PathParser.parse(args, "FROM")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FROM:a@b.c", "FROM:<a@b.c", "FROM:<a@@b.c>", "FROM:<@b.c>", "FROM:<a@>", "FROM:<a..b@c>",
            "FROM:<.a@c>", "FROM:<a@-b.c>", "FROM:<a@b.c.>", "FROM:<a b@c>", "FROM:<a@b.c>x", "TO:<a@b.c>",
            "FROM:<a@[300.1.1.1]>", "FROM:<a\u0001@b.c>"})
    void should_refuse_malformed_paths(String args) {
        assertThat(PathParser.parse(args, "FROM")).isEmpty();
    }

    @Test
    void should_refuse_a_local_part_over_64_octets() {
        assertThat(PathParser.parse("TO:<" + "a".repeat(65) + "@b.c>", "TO")).isEmpty();
        assertThat(PathParser.parse("TO:<" + "a".repeat(64) + "@b.c>", "TO")).isPresent();
    }

    @Test
    void should_read_null_sender_postmaster_and_parameters() {
        assertThat(PathParser.parse("FROM:<>", "FROM").orElseThrow().address().isNull()).isTrue();
        assertThat(PathParser.parse("TO:<Postmaster>", "TO").orElseThrow().postmaster()).isTrue();
        assertThat(PathParser.parse("FROM:<a@b.c> SIZE=10  BODY=8BITMIME", "FROM").orElseThrow().parameters())
                .containsExactly("SIZE=10", "BODY=8BITMIME");
    }

    @Test
    void should_know_when_an_address_needs_smtputf8() {
        assertThat(PathParser.parse("TO:<j\u00f6rg@b.c>", "TO").orElseThrow().address().needsSmtpUtf8()).isTrue();
        assertThat(PathParser.parse("TO:<jorg@b.c>", "TO").orElseThrow().address().needsSmtpUtf8()).isFalse();
    }
}
