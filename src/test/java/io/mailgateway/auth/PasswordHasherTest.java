package io.mailgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher cheap = new PasswordHasher(AuthFixture.CHEAP, 2);

    @Test
    void should_hash_with_the_default_parameters_as_a_phc_string_and_verify_it() {
        PasswordHasher hasher = new PasswordHasher();
        String phc = hasher.hash("correct horse battery staple");
        assertThat(phc).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(hasher.verify("correct horse battery staple", phc)).isTrue();
        assertThat(hasher.verify("correct horse battery stapl", phc)).isFalse();
        assertThat(hasher.needsRehash(phc)).isFalse();
    }

    @Test
    void should_salt_every_hash() {
        assertThat(cheap.hash("same password")).isNotEqualTo(cheap.hash("same password"));
    }

    @Test
    void should_parse_and_encode_phc_strings_back_to_the_same_text() {
        String phc = cheap.hash("pw123456");
        PhcHash parsed = PhcHash.parse(phc);
        assertThat(parsed.memoryKib()).isEqualTo(256);
        assertThat(parsed.iterations()).isEqualTo(1);
        assertThat(parsed.parallelism()).isEqualTo(1);
        assertThat(parsed.salt()).hasSize(16);
        assertThat(parsed.hash()).hasSize(32);
        assertThat(parsed.encode()).isEqualTo(phc);
    }

    /**
     * A hash from the reference implementation (RFC 9106's test vectors use a secret and
     * associated data, which PHC strings cannot carry): the example of its README,
     * {@code echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -e} (m = 2^16 KiB).
     */
    @Test
    void should_verify_a_hash_made_by_another_implementation() {
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertThat(cheap.verify("password", reference)).isTrue();
        assertThat(cheap.verify("passw0rd", reference)).isFalse();
        assertThat(cheap.needsRehash(reference)).isTrue();
    }

    @Test
    void should_refuse_what_is_no_argon2id_phc_string_or_has_absurd_parameters() {
        assertThatThrownBy(() -> PhcHash.parse("$argon2i$v=19$m=256,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PhcHash.parse("$argon2id$v=16$m=256,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PhcHash.parse("$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PhcHash.parse(null)).isInstanceOf(IllegalArgumentException.class);
        long before = cheap.dummyVerifications();
        assertThat(cheap.verify("password", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=")).isFalse();
        assertThat(cheap.dummyVerifications()).as("an unreadable hash costs a verification too").isEqualTo(before + 1);
        assertThat(cheap.needsRehash("plain")).isTrue();
    }

    @Test
    void should_verify_the_same_password_typed_with_another_space_or_normalization() {
        String phc = cheap.hash("caf\u00e9\u00a0bar");
        assertThat(cheap.verify("cafe\u0301 bar", phc)).as("NFC and a no-break space as a space (RFC 8265 OpaqueString)").isTrue();
    }
}
