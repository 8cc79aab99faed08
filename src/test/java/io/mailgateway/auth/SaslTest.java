package io.mailgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.auth.SaslStep.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SaslTest {

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_decode_plain_with_and_without_an_authzid_equal_to_the_authcid() {
        assertThat(Sasl.plainInitial(b64("\0bob@example.com\0s3cret pw"))).isEqualTo(new SaslStep(Kind.CREDENTIALS, "bob@example.com", "s3cret pw"));
        assertThat(Sasl.plainInitial(b64("bob@example.com\0bob@example.com\0pw")).kind()).isEqualTo(Kind.CREDENTIALS);
        assertThat(Sasl.plainResponse(b64("\0b\u00f6b@example.com\0p\u00e4ss")).password()).isEqualTo("p\u00e4ss");
    }

    @Test
    void should_refuse_an_authzid_other_than_the_authcid() {
        // RFC 4616 2: we never authorize acting as someone else
        SaslStep refused = Sasl.plainInitial(b64("admin@example.com\0bob@example.com\0pw"));
        assertThat(refused.kind()).isEqualTo(Kind.AUTHZID_REFUSED);
        assertThat(refused.isRefusal()).isTrue();
        assertThat(refused.reply().code()).isEqualTo(535);
    }

    @Test
    void should_ask_for_a_response_when_there_is_no_initial_response_and_treat_equals_as_empty() {
        assertThat(Sasl.plainInitial(null).kind()).isEqualTo(Kind.CHALLENGE);
        assertThat(Sasl.loginInitial(null).kind()).isEqualTo(Kind.CHALLENGE);
        // RFC 4954 4: "=" is a zero-length initial response, which holds no PLAIN credentials
        assertThat(Sasl.plainInitial("=").kind()).isEqualTo(Kind.MALFORMED);
        assertThat(Sasl.decode("=", 10)).isEmpty();
    }

    @Test
    void should_cancel_on_a_star() {
        assertThat(Sasl.plainResponse("*").kind()).isEqualTo(Kind.CANCELLED);
        assertThat(Sasl.plainResponse("*").reply().code()).isEqualTo(501);
        assertThat(Sasl.plainResponse("*").reply().status()).hasToString("5.0.0");
        assertThat(Sasl.plainResponse("!!!!").reply().status()).as("cannot decode").hasToString("5.5.2");
        assertThat(Sasl.loginUsername("*").kind()).isEqualTo(Kind.CANCELLED);
        assertThat(Sasl.loginPassword("bob@example.com", "*").kind()).isEqualTo(Kind.CANCELLED);
        assertThat(Sasl.plainInitial("*").kind()).as("not a cancel as an initial response, and no Base64").isEqualTo(Kind.MALFORMED);
    }

    @Test
    void should_refuse_plain_messages_of_the_wrong_shape() {
        assertThat(Sasl.plainResponse(b64("bob@example.com\0pw")).kind()).isEqualTo(Kind.MALFORMED); // one NUL
        assertThat(Sasl.plainResponse(b64("\0bob@example.com\0pw\0more")).kind()).isEqualTo(Kind.MALFORMED); // three
        assertThat(Sasl.plainResponse(b64("\0\0pw")).kind()).isEqualTo(Kind.MALFORMED); // empty authcid
        assertThat(Sasl.plainResponse(b64("\0bob@example.com\0")).kind()).isEqualTo(Kind.MALFORMED); // empty password
    }

    @Test
    void should_accept_only_strict_base64_and_utf8() {
        String good = b64("\0bob@example.com\0password");
        assertThat(Sasl.plainResponse(good.replace("=", "")).kind()).as("padding missing").isEqualTo(Kind.MALFORMED);
        assertThat(Sasl.plainResponse(good.substring(0, 8) + "\r\n" + good.substring(8)).kind()).isEqualTo(Kind.MALFORMED);
        assertThat(Sasl.plainResponse(good.substring(0, 8) + " " + good.substring(9)).kind()).isEqualTo(Kind.MALFORMED);
        assertThat(Sasl.plainResponse("AGJvYkBleGFtcGxlLmNvbQBw_XNz").kind()).as("URL-safe alphabet").isEqualTo(Kind.MALFORMED);
        assertThat(Sasl.plainResponse("").kind()).isEqualTo(Kind.MALFORMED);
        byte[] latin1 = "\0bob@example.com\0p\u00e4ss".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(Sasl.plainResponse(Base64.getEncoder().encodeToString(latin1)).kind()).as("not UTF-8").isEqualTo(Kind.MALFORMED);
    }

    @Test
    void should_refuse_lines_and_fields_over_the_limits() {
        String longPassword = "p".repeat(Sasl.MAX_PASSWORD + 1);
        assertThat(Sasl.plainResponse(b64("\0bob@example.com\0" + longPassword)).kind()).isEqualTo(Kind.MALFORMED);
        assertThat(Sasl.plainResponse(b64("\0bob@example.com\0" + "p".repeat(Sasl.MAX_PASSWORD))).kind()).isEqualTo(Kind.CREDENTIALS);
        SaslStep tooLong = Sasl.plainResponse("QUFB".repeat(Sasl.MAX_LINE / 4 + 1));
        assertThat(tooLong.kind()).isEqualTo(Kind.TOO_LONG);
        assertThat(tooLong.reply().code()).isEqualTo(500);
        assertThat(tooLong.reply().status()).hasToString("5.5.6");
        assertThat(Sasl.loginPassword("bob@example.com", "QUFB".repeat(Sasl.MAX_LINE / 4 + 1)).kind()).isEqualTo(Kind.TOO_LONG);
        assertThat(Sasl.loginUsername(b64("a".repeat(Sasl.MAX_NAME + 1))).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void should_take_login_in_two_steps_or_with_the_name_as_initial_response() {
        assertThat(Sasl.LOGIN_USERNAME_CHALLENGE).isEqualTo(b64("Username:"));
        assertThat(Sasl.LOGIN_PASSWORD_CHALLENGE).isEqualTo(b64("Password:"));
        SaslStep name = Sasl.loginUsername(b64("bob@example.com"));
        assertThat(name).isEqualTo(new SaslStep(Kind.USERNAME, "bob@example.com", null));
        assertThat(Sasl.loginPassword(name.username(), b64("pw pw pw"))).isEqualTo(new SaslStep(Kind.CREDENTIALS, "bob@example.com", "pw pw pw"));
        assertThat(Sasl.loginInitial(b64("bob@example.com")).kind()).isEqualTo(Kind.USERNAME);
        assertThat(Sasl.loginUsername("=").kind()).as("an empty name").isEqualTo(Kind.MALFORMED);
        assertThat(Sasl.loginPassword("bob@example.com", b64("a\0b")).kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void should_name_mechanisms_case_insensitively_and_never_print_passwords() {
        assertThat(Sasl.Mechanism.of("plain")).contains(Sasl.Mechanism.PLAIN);
        assertThat(Sasl.Mechanism.of("LOGIN")).contains(Sasl.Mechanism.LOGIN);
        assertThat(Sasl.Mechanism.of("CRAM-MD5")).isEmpty();
        assertThat(Sasl.plainInitial(b64("\0bob@example.com\0hunter22")).toString()).doesNotContain("hunter22");
    }
}
