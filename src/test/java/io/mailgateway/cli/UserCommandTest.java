package io.mailgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.auth.PasswordHasher;
import io.mailgateway.auth.User;
import io.mailgateway.auth.UserStore;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.store.sql.GatewayDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user commands as the jar runs them (GatewayMain.command), against real SQLite in DATA_DIR. */
class UserCommandTest {

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private GatewayConfig config() {
        return GatewayConfig.load(Map.of("DATA_DIR", dataDir.toString()), new Properties());
    }

    private int run(String stdin, String... args) throws Exception {
        out.reset();
        err.reset();
        return GatewayMain.command(List.of(args), config(), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private User user(String address) throws Exception {
        try (GatewayDatabase db = GatewayDatabase.open(config())) {
            return new UserStore(db.dataSource(), Clock.systemUTC()).find(address).orElseThrow();
        }
    }

    private List<String> audit() throws Exception {
        List<String> rows = new ArrayList<>();
        try (GatewayDatabase db = GatewayDatabase.open(config());
             Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT actor, action, detail, client_address FROM audit_log ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
            }
        }
        return rows;
    }

    @Test
    void should_add_a_user_with_a_password_from_stdin_hashed_with_argon2id() throws Exception {
        assertThat(run("correct horse battery\n", "user", "add", "Bob@Example.COM", "--password-stdin")).isZero();
        assertThat(stdout()).contains("added Bob@example.com");
        User bob = user("Bob@example.com");
        assertThat(bob.enabled()).isTrue();
        assertThat(bob.passwordHash()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(new PasswordHasher().verify("correct horse battery", bob.passwordHash())).isTrue();
        assertThat(run("another one\n", "user", "add", "Bob@example.com", "--password-stdin")).isEqualTo(1);
        assertThat(stderr()).contains("exists already");
        String os = "cli:" + System.getProperty("user.name");
        assertThat(audit()).containsExactly(os + " user.add Bob@example.com null");
    }

    @Test
    void should_create_the_users_database_readable_by_its_owner_only() throws Exception {
        Assumptions.assumeTrue(dataDir.getFileSystem().supportedFileAttributeViews().contains("posix"));

        assertThat(run("correct horse battery\n", "user", "add", "alice@example.com", "--password-stdin")).as(stderr()).isZero();

        try (java.util.stream.Stream<Path> files = Files.list(dataDir).filter(f -> f.getFileName().toString().startsWith("gateway.db"))) {
            assertThat(files.toList()).isNotEmpty().allSatisfy(f -> assertThat(Files.getPosixFilePermissions(f)).as("mode of %s", f)
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
    }

    @Test
    void should_change_disable_enable_and_list_users_writing_each_change_to_the_audit_log() throws Exception {
        assertThat(run("first password\n", "user", "add", "bob@example.com", "--password-stdin")).isZero();
        assertThat(run("second password\r\n", "user", "passwd", "bob@example.com", "--password-stdin")).isZero();
        assertThat(new PasswordHasher().verify("second password", user("bob@example.com").passwordHash())).isTrue();
        assertThat(run("", "user", "disable", "bob@example.com")).isZero();
        assertThat(user("bob@example.com").enabled()).isFalse();
        assertThat(run("", "user", "list")).isZero();
        assertThat(stdout()).contains("bob@example.com").contains("disabled").contains("1 user(s)");
        assertThat(run("", "user", "enable", "bob@example.com")).isZero();
        assertThat(run("", "user", "alias", "add", "bob@example.com", "sales@example.org")).isZero();
        assertThat(run("", "user", "list")).isZero();
        assertThat(stdout()).contains("enabled").contains("sales@example.org");
        assertThat(run("", "user", "alias", "remove", "bob@example.com", "sales@example.org")).isZero();
        String os = "cli:" + System.getProperty("user.name");
        assertThat(audit()).containsExactly(os + " user.add bob@example.com null", os + " user.passwd bob@example.com null",
                os + " user.disable bob@example.com null", os + " user.enable bob@example.com null",
                os + " user.alias.add bob@example.com may send as sales@example.org null",
                os + " user.alias.remove bob@example.com no longer sends as sales@example.org null");
    }

    @Test
    void should_refuse_a_password_on_the_command_line() throws Exception {
        assertThat(run("", "user", "add", "bob@example.com", "hunter2hunter2")).isEqualTo(2);
        assertThat(stderr()).contains("stdin only");
        assertThat(run("", "user", "add", "bob@example.com", "--password=hunter2hunter2")).isEqualTo(2);
        assertThat(stderr()).contains("stdin only");
        assertThat(run("", "user", "passwd", "bob@example.com", "--password", "hunter2hunter2")).isEqualTo(2);
        assertThat(stderr()).contains("stdin only");
        assertThat(run("", "user", "add", "bob@example.com")).isEqualTo(2);
        assertThat(stderr()).contains("--password-stdin");
    }

    @Test
    void should_refuse_an_empty_short_or_multi_line_password() throws Exception {
        assertThat(run("\n", "user", "add", "bob@example.com", "--password-stdin")).isEqualTo(1);
        assertThat(stderr()).contains("empty password");
        assertThat(run("", "user", "add", "bob@example.com", "--password-stdin")).isEqualTo(1);
        assertThat(run("short\n", "user", "add", "bob@example.com", "--password-stdin")).isEqualTo(1);
        assertThat(stderr()).contains("shorter than 8");
        assertThat(run("line one\nline two\n", "user", "add", "bob@example.com", "--password-stdin")).isEqualTo(1);
        assertThat(stderr()).contains("one line");
        assertThat(run("p".repeat(600), "user", "add", "bob@example.com", "--password-stdin")).isEqualTo(1);
        assertThat(stderr()).contains("longer than 512");
        assertThat(audit()).isEmpty();
    }

    @Test
    void should_say_when_there_is_no_such_user_and_on_bad_usage() throws Exception {
        assertThat(run("", "user", "disable", "nobody@example.com")).isEqualTo(1);
        assertThat(stderr()).contains("no user nobody@example.com");
        assertThat(run("new password\n", "user", "passwd", "nobody@example.com", "--password-stdin")).isEqualTo(1);
        assertThat(run("", "user", "alias", "add", "nobody@example.com", "x@example.org")).isEqualTo(1);
        assertThat(run("", "user", "disable", "not-an-address")).isEqualTo(2);
        assertThat(stderr()).contains("not a mail address");
        assertThat(run("", "user", "frobnicate")).isEqualTo(2);
        assertThat(stderr()).contains("usage:");
        assertThat(run("", "user")).isEqualTo(2);
    }

    @Test
    void should_not_print_the_password_of_a_db_url_the_driver_refuses() throws Exception {
        // pgjdbc takes no user:password@ in its URL; HikariCP's error then carries the whole URL.
        GatewayConfig config = GatewayConfig.load(Map.of("DATA_DIR", dataDir.toString(),
                "DB_URL", "jdbc:postgresql://gw:S3cretPw@db.invalid/mail"), new Properties());

        int status = GatewayMain.command(List.of("user", "list"), config, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isNotZero();
        assertThat(stderr()).contains("cannot open the users database", "gw:****@").doesNotContain("S3cretPw");
    }
}
