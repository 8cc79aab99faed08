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

    /**
     * A From too long to read whole is no verdict (DmarcCheck refuses it, 550 5.7.1): read in
     * part it named another domain than the one a mail client shows, and bypassed p=reject.
     */
    @Test
    void should_report_a_from_too_long_to_read_whole() throws Exception {
        // one line: the scan looks at 1,024 octets a line, and the mailbox came after them
        assertThat(of("From: CEO" + " ".repeat(1100) + "<ceo@bank.example>\r\n").status()).isEqualTo(Status.CUT);
        // folded, every line under 998 octets, 16 KiB of comment first: the long lines past the
        // cap were dropped and the short one kept, so the domain read was evil.test
        StringBuilder folded = new StringBuilder("From: (");
        for (int i = 0; i < 16; i++) {
            folded.append("x".repeat(990)).append(")\r\n (");
        }
        folded.append("x".repeat(200)).append(")\r\n \"").append("y".repeat(990)).append("\r\n x@evil.test\r\n ")
                .append("z".repeat(990)).append("\" <ceo@bank.example>\r\n");
        assertThat(of(folded.toString()).status()).isEqualTo(Status.CUT);
        // the name's colon itself past the 1,024 octets looked at
        assertThat(of("From" + " ".repeat(1100) + ": ceo@bank.example\r\n").status()).isEqualTo(Status.CUT);
        // a long From of ordinary shape, folded, is read whole
        assertThat(of("From: \"" + "n".repeat(900) + "\"\r\n <a@example.org>\r\n")).isEqualTo(new AuthorDomain(Status.ONE, "example.org"));
    }
}
