package io.mailgateway.policy.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.policy.HeaderFields;
import io.mailgateway.policy.dmarc.AuthorDomain.Status;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC5322.From extraction (RFC 7489 3.1, 6.6.1) from real header sections. */
class AuthorDomainTest {

    private static AuthorDomain of(String headers) throws Exception {
        byte[] message = (headers.strip() + "\r\n\r\nbody\r\nFrom: body@not-a-header.test\r\n").getBytes(StandardCharsets.UTF_8);
        return AuthorDomain.of(HeaderFields.scan(new ByteArrayInputStream(message), Set.of("from")).named("from"));
    }

    static Stream<Arguments> single() {
        return Stream.of(
                Arguments.of("From: a@Example.COM\r\n", "example.com"),
                Arguments.of("From: J\u00f6rg <joerg@example.org>\r\n", "example.org"),
                Arguments.of("From: \"Smith, John <boss@bank.test>\" <john@example.net>\r\n", "example.net"),
                Arguments.of("From: \"a@evil.test\" <real@example.org> (comment, with@at)\r\n", "example.org"),
                Arguments.of("from:   <x@sub.example.co.uk.>\r\n", "sub.example.co.uk"),
                Arguments.of("Subject: x\r\nFrom: Name\r\n <folded@example.org>\r\nTo: y@example.com\r\n", "example.org"),
                Arguments.of("From: Friends: one@example.org;\r\n", "example.org"));
    }

    @ParameterizedTest
    @MethodSource("single")
    void should_find_the_one_author_domain(String headers, String domain) throws Exception {
        assertThat(of(headers)).isEqualTo(new AuthorDomain(Status.ONE, domain));
    }

    @Test
    void should_report_a_message_without_from() throws Exception {
        assertThat(of("Subject: no author\r\n").status()).isEqualTo(Status.ABSENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "From: a@example.org\r\nFrom: b@bank.test\r\n",
        "From: a@example.org, b@bank.test\r\n",
        "From: A <a@example.org>, B <b@bank.test>\r\n",
        "From: Friends: a@example.org, b@bank.test;\r\n",
    })
    void should_report_several_authors(String headers) throws Exception {
        assertThat(of(headers).status()).isEqualTo(Status.MULTIPLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "From: root\r\n",
        "From: a@[192.0.2.1]\r\n",
        "From: undisclosed:;\r\n",
        "From: <unterminated@example.org\r\n",
        "From: a@localhost\r\n",
        "From: a@bad_domain.test\r\n",
    })
    void should_report_a_from_without_usable_domain(String headers) throws Exception {
        assertThat(of(headers).status()).isEqualTo(Status.INVALID);
    }
}
