package io.mailgateway.policy.camel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8601 2.2 authserv-id of incoming fields (what makes one a forgery of ours), and pvalue quoting. */
class AuthenticationResultsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        " mx.test.local; spf=pass| mx.test.local",
        "MX.Test.Local 1; dkim=pass| mx.test.local",
        "(comment) mx.test.local;none| mx.test.local",
        "(a) (b) mx.test.local ; none| mx.test.local",
        "mx.test.local.evil.test; spf=pass| mx.test.local.evil.test",
        "relay.example.net;| relay.example.net",
        "(unterminated mx.test.local; none| ''",
        // a quoted id, nested comments, a quoted-pair in a comment: read as a consumer would read them
        "\"mx.test.local\"; dmarc=pass| mx.test.local",
        "(a (nested) comment) mx.test.local; dmarc=pass| mx.test.local",
        "(a \\) still a comment) mx.test.local; dmarc=pass| mx.test.local",
        "(x; y) mx.test.local; dmarc=pass| mx.test.local",
    })
    void should_read_the_authserv_id(String value, String id) {
        assertThat(AuthenticationResults.authservIdOf(value)).isEqualTo(id.strip());
    }

    @Test
    void should_quote_values_that_are_not_plain_tokens_and_drop_control_characters() {
        assertThat(AuthenticationResults.value("example.com")).isEqualTo("example.com");
        assertThat(AuthenticationResults.value("[192.0.2.1]")).isEqualTo("[192.0.2.1]");
        assertThat(AuthenticationResults.value("bad helo; dmarc=pass")).isEqualTo("\"bad helo; dmarc=pass\"");
        assertThat(AuthenticationResults.value("a\"b\\c\r\nX-Injected: 1")).isEqualTo("\"a\\\"b\\\\cX-Injected: 1\"");
        assertThat(AuthenticationResults.value("")).isEqualTo("\"\"");
    }
}
