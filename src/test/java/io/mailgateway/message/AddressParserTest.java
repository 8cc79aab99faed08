package io.mailgateway.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressParserTest {

    private static Optional<Mailbox> parse(String s) {
        return Mailbox.parse(s);
    }

    @Test
    void quoted_and_unquoted_forms_of_a_dot_string_are_one_mailbox() {
        assertThat(parse("\"bob\"@example.com")).contains(new Mailbox("bob", "example.com"));
        assertThat(parse("bob@EXAMPLE.com")).contains(new Mailbox("bob", "example.com"));
        assertThat(parse("\"b\\ob\"@example.com")).contains(new Mailbox("bob", "example.com")); // quoted-pair
    }

    @Test
    void a_quoted_local_part_may_hold_at_signs_commas_and_brackets_and_keeps_them() {
        Mailbox m = parse("\"a,b@c>d\"@example.com").orElseThrow();
        assertThat(m.localPart()).isEqualTo("a,b@c>d");
        assertThat(m.domain()).isEqualTo("example.com");
        assertThat(m.toString()).isEqualTo("\"a,b@c>d\"@example.com"); // quoted again on the way out
        assertThat(parse("\"a\\\"b\"@x.test").orElseThrow().toString()).isEqualTo("\"a\\\"b\"@x.test");
    }

    @Test
    void the_local_part_keeps_its_case_and_is_nfc_normalized() {
        assertThat(parse("Bob@x.test").orElseThrow().localPart()).isEqualTo("Bob");
        assertThat(parse("jose\u0301@x.test").orElseThrow().localPart()).isEqualTo("jos\u00E9");
    }

    @Test
    void limits_are_counted_in_octets() {
        assertThat(parse("a".repeat(64) + "@x.test")).isPresent();
        assertThat(parse("a".repeat(65) + "@x.test")).isEmpty();
        assertThat(parse("\u00E9" + "a".repeat(63) + "@x.test")).isEmpty(); // 64 characters, 65 octets
        // RFC 5321 4.5.3.1.1 counts the local-part as written: a quoted one with its quotes
        assertThat(parse("\"" + "a".repeat(62) + "\"@x.test")).isPresent();
        assertThat(parse("\"" + "a".repeat(63) + "\"@x.test")).isEmpty();
    }

    @Test
    void refuses_what_is_not_a_mailbox() {
        for (String bad : new String[] {"bob", "@x.test", "bob@", "a@b@x.test", "bob.@x.test", ".bob@x.test", "b..ob@x.test",
                "bob@x.test.", "bob@-x.test", "bob@x..test", "\"unterminated@x.test", "\"a\"b@x.test", "\"a\nb\"@x.test",
                "bob@[300.1.1.1]", "a b@x.test"}) {
            assertThat(parse(bad)).as(bad).isEmpty();
        }
        assertThat(parse("bob@[192.0.2.1]")).isPresent();
        assertThat(parse("bob@[IPv6:2001:db8::1]")).isPresent();
    }

    @Test
    void mailbox_names_refuse_what_needs_quotes_and_path_tricks_for_local_recipients() {
        assertThat(MailboxNames.acceptable(Mailbox.of("bob+tag@x.test"), Disposition.LOCAL)).isTrue();
        assertThat(MailboxNames.acceptable(Mailbox.of("o'brien@x.test"), Disposition.LOCAL)).isTrue();
        assertThat(MailboxNames.acceptable(Mailbox.of("\"a b\"@x.test"), Disposition.RELAY)).isFalse();
        assertThat(MailboxNames.acceptable(Mailbox.of("a%b@x.test"), Disposition.LOCAL)).isFalse();
        assertThat(MailboxNames.acceptable(Mailbox.of("a%b@x.test"), Disposition.RELAY)).isTrue(); // the next hop decides
        assertThat(MailboxNames.acceptable(Mailbox.of("a/b@x.test"), Disposition.LOCAL)).isFalse();
        assertThat(MailboxNames.acceptable(Mailbox.of("b\u043Eb@x.test"), Disposition.LOCAL)).isTrue(); // Cyrillic: its own mailbox
        assertThat(MailboxNames.acceptable(Mailbox.of("bob\u202E@x.test"), Disposition.LOCAL)).isFalse(); // bidi override
    }
}
