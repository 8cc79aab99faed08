package io.mailgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.auth.AuthOutcome.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Authenticator on real SQLite ($DATA_DIR/gateway.db), a manual clock, real metrics and audit rows. */
class AuthenticatorTest {

    @TempDir
    Path dataDir;
    private AuthFixture auth;

    @BeforeEach
    void open() throws Exception {
        auth = new AuthFixture(Map.of("DATA_DIR", dataDir.toString()));
        auth.addUser("bob@example.com", "correct horse");
    }

    @AfterEach
    void close() {
        auth.close();
    }

    @Test
    void should_log_in_with_the_right_password_and_write_it_to_the_audit_log() throws Exception {
        AuthOutcome outcome = auth.login("bob@EXAMPLE.com", "correct horse");
        assertThat(outcome.kind()).isEqualTo(Kind.SUCCESS);
        assertThat(outcome.user().address()).isEqualTo("bob@example.com");
        assertThat(outcome.reply().code()).isEqualTo(235);
        assertThat(outcome.reply().status()).hasToString("2.7.0");
        assertThat(auth.attempts("success")).isEqualTo(1.0);
        assertThat(auth.auditRows()).containsExactly("bob@example.com auth.success plain 192.0.2.10");
    }

    @Test
    void should_refuse_a_wrong_password_with_535_after_a_delay() throws Exception {
        AuthOutcome outcome = auth.login("bob@example.com", "wrong horse");
        assertThat(outcome.kind()).isEqualTo(Kind.FAILED);
        assertThat(outcome.delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(outcome.reply().code()).isEqualTo(535);
        assertThat(outcome.reply().status()).hasToString("5.7.8");
        assertThat(auth.attempts("failure")).isEqualTo(1.0);
        assertThat(auth.auditRows()).containsExactly("bob@example.com auth.failure plain: wrong password 192.0.2.10");
    }

    @Test
    void should_verify_a_dummy_hash_for_an_unknown_user_so_that_it_costs_the_same() throws Exception {
        long before = auth.hasher.dummyVerifications();
        AuthOutcome outcome = auth.login("nobody@example.com", "correct horse");
        assertThat(outcome.kind()).isEqualTo(Kind.FAILED);
        assertThat(outcome.reply()).isEqualTo(auth.login("bob@example.com", "wrong").reply()).as("the same reply as a wrong password");
        assertThat(auth.hasher.dummyVerifications()).isEqualTo(before + 1);
        auth.login("not an address", "correct horse");
        assertThat(auth.hasher.dummyVerifications()).isEqualTo(before + 2);
        auth.login("bob@example.com", "correct horse");
        assertThat(auth.hasher.dummyVerifications()).as("a known user is checked against its own hash").isEqualTo(before + 2);
        assertThat(auth.auditRows()).contains("nobody@example.com auth.failure plain: unknown user 192.0.2.10",
                "not an address auth.failure plain: unknown user 192.0.2.10");
    }

    @Test
    void should_refuse_a_disabled_user_with_the_right_password() throws Exception {
        auth.store.setEnabled("bob@example.com", false);
        AuthOutcome outcome = auth.login("bob@example.com", "correct horse");
        assertThat(outcome.kind()).isEqualTo(Kind.FAILED);
        assertThat(auth.auditRows()).containsExactly("bob@example.com auth.failure plain: account disabled 192.0.2.10");
    }

    @Test
    void should_use_the_cached_row_until_its_ttl_so_a_disable_takes_effect_within_it() throws Exception {
        assertThat(auth.login("bob@example.com", "correct horse").kind()).isEqualTo(Kind.SUCCESS);
        auth.store.setEnabled("bob@example.com", false); // as `user disable` from another process
        assertThat(auth.login("bob@example.com", "correct horse").kind()).as("cached row, within USER_CACHE_TTL").isEqualTo(Kind.SUCCESS);
        auth.clock.advance(Duration.ofSeconds(301));
        assertThat(auth.login("bob@example.com", "correct horse").kind()).isEqualTo(Kind.FAILED);
    }

    @Test
    void should_clear_the_cache_when_the_users_table_changed_so_a_disable_takes_effect_at_the_next_check() throws Exception {
        auth.directory.checkForChanges(); // what the timer does every USER_CACHE_CHECK_INTERVAL
        assertThat(auth.login("bob@example.com", "correct horse").kind()).isEqualTo(Kind.SUCCESS);
        auth.directory.checkForChanges();
        assertThat(auth.login("bob@example.com", "correct horse").kind()).as("nothing changed: cached").isEqualTo(Kind.SUCCESS);
        auth.store.setEnabled("bob@example.com", false); // as `user disable` from another process, same millisecond
        auth.directory.checkForChanges();
        assertThat(auth.login("bob@example.com", "correct horse").kind()).isEqualTo(Kind.FAILED);
    }

    @Test
    void should_block_after_five_failures_and_then_refuse_even_the_right_password_until_the_block_ends() throws Exception {
        for (int i = 1; i <= 4; i++) {
            assertThat(auth.login("bob@example.com", "guess " + i).kind()).isEqualTo(Kind.FAILED);
        }
        AuthOutcome fifth = auth.login("bob@example.com", "guess 5");
        assertThat(fifth.kind()).isEqualTo(Kind.BLOCKED);
        assertThat(fifth.reply().code()).isEqualTo(421);
        assertThat(fifth.reply().status()).hasToString("4.7.0");
        assertThat(fifth.reply().closesConnection()).isTrue();
        assertThat(fifth.reply().lines().get(0)).contains("try again in 900 seconds");

        long dummies = auth.hasher.dummyVerifications();
        AuthOutcome refused = auth.login("bob@example.com", "correct horse");
        assertThat(refused.kind()).isEqualTo(Kind.BLOCKED);
        assertThat(auth.hasher.dummyVerifications()).as("no password work while blocked").isEqualTo(dummies);
        assertThat(auth.attempts("blocked")).isEqualTo(1.0);
        assertThat(auth.attempts("failure")).isEqualTo(5.0);
        assertThat(auth.registry.get("smtp.auth.blocks").tag("scope", "client").counter().count()).isEqualTo(1.0);

        auth.clock.advance(Duration.ofSeconds(900));
        assertThat(auth.login("bob@example.com", "correct horse").kind()).isEqualTo(Kind.SUCCESS);
        assertThat(auth.auditRows()).contains(
                "192.0.2.10 auth.block client blocked for 900 s after repeated failures 192.0.2.10",
                "bob@example.com auth.refused plain: blocked for 900 s more 192.0.2.10",
                "bob@example.com auth.success plain 192.0.2.10");
    }

    /**
     * Anyone who knows bob's address could keep him locked out: 5 wrong passwords every 15
     * minutes from one host blocked the account for everyone. A client that logged in to it
     * before is not held by the account's block; a new one still is (a botnet's one guess per
     * address stays stopped).
     */
    @Test
    void should_let_a_client_that_logged_in_before_past_a_block_of_its_account() throws Exception {
        java.net.InetAddress bobsHost = AuthFixture.address("198.51.100.7");
        assertThat(auth.login("bob@example.com", "correct horse", bobsHost).kind()).isEqualTo(Kind.SUCCESS);
        lockOutBob();

        assertThat(auth.login("bob@example.com", "correct horse", bobsHost).kind()).isEqualTo(Kind.SUCCESS);
        assertThat(auth.login("bob@example.com", "correct horse", AuthFixture.address("198.51.100.99")).kind())
                .as("a client new to the account").isEqualTo(Kind.BLOCKED);
    }

    /**
     * The clients an account logged in from outlive a restart (read back from the audit log):
     * else an attacker who locks the account right after it keeps the user out.
     */
    @Test
    void should_still_know_the_clients_an_account_logged_in_from_after_a_restart() throws Exception {
        java.net.InetAddress bobsHost = AuthFixture.address("198.51.100.7");
        java.net.InetAddress bobsPhone = AuthFixture.address("2001:db8:7:1::42");
        assertThat(auth.login("bob@example.com", "correct horse", bobsHost).kind()).isEqualTo(Kind.SUCCESS);
        assertThat(auth.login("bob@example.com", "correct horse", bobsPhone).kind()).isEqualTo(Kind.SUCCESS);
        assertThat(auth.login("bob@example.com", "wrong", AuthFixture.address("198.51.100.8")).kind()).isEqualTo(Kind.FAILED);
        auth.close();

        auth = new AuthFixture(Map.of("DATA_DIR", dataDir.toString()));
        assertThat(KnownClients.restore(auth.database.dataSource(), auth.limiter, auth.clock, 1000)).isEqualTo(2);
        lockOutBob();

        assertThat(auth.login("bob@example.com", "correct horse", bobsHost).kind()).isEqualTo(Kind.SUCCESS);
        assertThat(auth.login("bob@example.com", "correct horse", AuthFixture.address("2001:db8:7:1::99")).kind())
                .as("the phone's /64").isEqualTo(Kind.SUCCESS);
        assertThat(auth.login("bob@example.com", "correct horse", AuthFixture.address("198.51.100.8")).kind())
                .as("a client that only failed").isEqualTo(Kind.BLOCKED);

        auth.close();
        auth = new AuthFixture(Map.of("DATA_DIR", dataDir.toString()));
        auth.clock.advance(KnownClients.REMEMBERED.plusDays(1));
        assertThat(KnownClients.restore(auth.database.dataSource(), auth.limiter, auth.clock, 1000)).as("logins too old").isZero();
    }

    /** An attacker's five wrong passwords from one host: bob's account is blocked. */
    private void lockOutBob() {
        java.net.InetAddress attacker = AuthFixture.address("203.0.113.66");
        for (int i = 1; i <= 4; i++) {
            assertThat(auth.login("bob@example.com", "guess " + i, attacker).kind()).isEqualTo(Kind.FAILED);
        }
        assertThat(auth.login("bob@example.com", "guess 5", attacker).kind()).isEqualTo(Kind.BLOCKED);
    }

    /** One failure from each of 5 addresses: an account and a name that is none get the same replies. */
    @Test
    void should_not_tell_by_its_blocks_which_accounts_exist() throws Exception {
        auth.addUser("carol@example.com", "staple");
        for (int i = 1; i <= 5; i++) {
            AuthOutcome real = auth.login("carol@example.com", "guess", AuthFixture.address("203.0.113." + (10 + i)));
            AuthOutcome none = auth.login("nobody@example.com", "guess", AuthFixture.address("203.0.113." + (20 + i)));
            assertThat(none.kind()).as("attempt %d", i).isEqualTo(real.kind());
            assertThat(none.reply().code()).isEqualTo(real.reply().code());
        }
        assertThat(auth.login("nobody@example.com", "x", AuthFixture.address("203.0.113.99")).kind()).isEqualTo(Kind.BLOCKED);
    }

    @Test
    void should_answer_a_temporary_failure_when_the_database_is_gone() throws Exception {
        auth.database.close(); // the pool is closed: every connection attempt fails
        AuthOutcome outcome = auth.login("bob@example.com", "correct horse");
        assertThat(outcome.kind()).isEqualTo(Kind.TEMPORARY_FAILURE);
        assertThat(outcome.reply().code()).isEqualTo(454);
        assertThat(outcome.reply().status()).hasToString("4.7.0");
        assertThat(auth.attempts("tempfail")).isEqualTo(1.0);
        auth.audit.close(); // its rows cannot be written: logged instead, never thrown
    }

    @Test
    void should_renew_a_hash_made_with_other_parameters_at_the_next_login() throws Exception {
        PasswordHasher older = new PasswordHasher(new PasswordHasher.Params(128, 1, 1), 1);
        auth.store.add("old@example.com", older.hash("old password"));
        assertThat(auth.login("old@example.com", "old password").kind()).isEqualTo(Kind.SUCCESS);
        String renewed = auth.store.find("old@example.com").orElseThrow().passwordHash();
        assertThat(renewed).startsWith("$argon2id$v=19$m=256,t=1,p=1$");
        assertThat(auth.login("old@example.com", "old password").kind()).isEqualTo(Kind.SUCCESS);
        assertThat(auth.auditRows()).contains("gateway user.rehash old@example.com: password hash renewed (Argon2id parameters changed) null");
    }

    @Test
    void should_register_every_series_at_start() {
        for (String mechanism : new String[] {"plain", "login"}) {
            for (String result : new String[] {"success", "failure", "blocked", "tempfail"}) {
                assertThat(auth.registry.get("smtp.auth.attempts").tag("mechanism", mechanism).tag("result", result).counter().count()).isZero();
            }
        }
    }
}
