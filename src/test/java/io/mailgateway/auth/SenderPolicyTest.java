package io.mailgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.message.Mailbox;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SenderPolicyTest {

    @TempDir
    Path dataDir;
    private AuthFixture auth;
    private SenderPolicy policy;

    @BeforeEach
    void open() throws Exception {
        auth = new AuthFixture(Map.of("DATA_DIR", dataDir.toString()));
        auth.addUser("bob@example.com", "correct horse");
        auth.addUser("alice@example.com", "correct horse");
        assertThat(auth.store.addAlias("bob@example.com", "sales@example.org")).isEqualTo(UserStore.AliasChange.ADDED);
        policy = new SenderPolicy(auth.directory, true);
    }

    @AfterEach
    void close() {
        auth.close();
    }

    @Test
    void should_let_a_user_send_as_its_own_address_and_its_extra_addresses_only() {
        User bob = auth.login("bob@example.com", "correct horse").user();
        assertThat(policy.maySendAs(bob, Mailbox.of("bob@example.com"))).isTrue();
        assertThat(policy.maySendAs(bob, Mailbox.of("bob@EXAMPLE.COM"))).as("domain case does not matter").isTrue();
        assertThat(policy.maySendAs(bob, Mailbox.of("\"bob\"@example.com"))).as("quoting does not matter").isTrue();
        assertThat(policy.maySendAs(bob, Mailbox.of("sales@Example.org"))).isTrue();
        assertThat(policy.maySendAs(bob, Mailbox.of("Bob@example.com"))).as("the local part is exact (RFC 5321 2.4)").isFalse();
        assertThat(policy.maySendAs(bob, Mailbox.of("alice@example.com"))).isFalse();
        assertThat(policy.maySendAs("bob@example.com", Mailbox.of("sales@example.org"))).isTrue();
        assertThat(policy.maySendAs("alice@example.com", Mailbox.of("sales@example.org"))).isFalse();
        assertThat(policy.maySendAs("nobody@example.com", Mailbox.of("nobody@example.com"))).isFalse();
    }

    @Test
    void should_allow_the_null_sender_only_when_configured() {
        User bob = auth.login("bob@example.com", "correct horse").user();
        assertThat(policy.maySendAs(bob, Mailbox.NULL)).isTrue();
        assertThat(new SenderPolicy(auth.directory, false).maySendAs(bob, Mailbox.NULL)).isFalse();
    }

    @Test
    void should_refuse_a_disabled_user_by_name() throws Exception {
        auth.store.setEnabled("alice@example.com", false);
        assertThat(policy.maySendAs("alice@example.com", Mailbox.of("alice@example.com"))).isFalse();
    }

    @Test
    void should_give_each_address_one_owner() throws Exception {
        assertThat(auth.store.addAlias("alice@example.com", "sales@example.org")).isEqualTo(UserStore.AliasChange.TAKEN);
        assertThat(auth.store.addAlias("alice@example.com", "bob@example.com")).isEqualTo(UserStore.AliasChange.TAKEN);
        assertThat(auth.store.addAlias("carol@example.com", "c@example.org")).isEqualTo(UserStore.AliasChange.NO_SUCH_USER);
        assertThat(auth.store.add("sales@example.org", "x")).as("an extra address cannot become a user").isFalse();
        assertThat(auth.store.removeAlias("alice@example.com", "sales@example.org")).isFalse();
        assertThat(auth.store.removeAlias("bob@example.com", "sales@example.org")).isTrue();
        assertThat(auth.store.find("bob@example.com").orElseThrow().aliases()).isEmpty();
    }
}
