package io.mailgateway.policy.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7489 3.2 with the public suffix list Guava ships. */
class OrganizationalDomainTest {

    @ParameterizedTest
    @CsvSource({
        "a.b.example.co.uk, example.co.uk",
        "example.co.uk, example.co.uk",
        "mail.example.com, example.com",
        "example.com, example.com",
        "x.y.example.com.au, example.com.au",
        // private section of the list: every github.io name is its own organization
        "alice.github.io, alice.github.io",
        // no listed suffix: the default rule '*' makes the last label the suffix
        "a.b.example.test, example.test",
        "example.test, example.test",
        // a public suffix itself has no organizational domain above it
        "co.uk, co.uk",
    })
    void should_find_the_organizational_domain(String domain, String expected) {
        assertThat(OrganizationalDomain.of(domain)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        // a, b, strict, aligned
        "example.com, example.com, true, true",
        "EXAMPLE.com, example.COM, true, true",
        "mail.example.com, example.com, true, false",
        "mail.example.com, example.com, false, true",
        "a.example.co.uk, b.example.co.uk, false, true",
        "example.co.uk, other.co.uk, false, false",
        "evil-example.com, example.com, false, false",
        "alice.github.io, bob.github.io, false, false",
    })
    void should_align_relaxed_on_organizational_domains_and_strict_on_equal_names(String a, String b, boolean strict, boolean aligned) {
        assertThat(OrganizationalDomain.aligned(a, b, strict)).isEqualTo(aligned);
    }
}
