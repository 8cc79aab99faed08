package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.auth.PasswordHasher;
import io.mailgateway.auth.UserStore;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * AUTH (RFC 4954) on the shared gateway: users in its real SQLite users table (Argon2id
 * hashes), PLAIN and LOGIN over STARTTLS on the submission port and the MX port, the relay an
 * authenticated user gets, the sender rule, the lockout and the audit rows.
 */
@ExtendWith(TestGateway.class)
class SmtpAuthTest {

    private static final String USER = "alice.auth@example.com";
    private static final String PASSWORD = "correct horse battery staple";

    @BeforeAll
    static void users() throws Exception {
        UserStore users = new UserStore(database(), Clock.systemUTC());
        PasswordHasher hasher = new PasswordHasher();
        users.add(USER, hasher.hash(PASSWORD));
        users.add("mallory.auth@example.com", hasher.hash("a different password"));
        users.add(LONG_USER, hasher.hash(LONG_PASSWORD));
    }

    /** 400 octets: AUTH PLAIN's line is then 560 characters of Base64, over the 512 of other commands. */
    private static final String LONG_USER = "long.auth@example.com";
    private static final String LONG_PASSWORD = "pass phrase ".repeat(33) + "four";

    private static DataSource database() {
        return TestGateway.camel().getRegistry().lookupByNameAndType("gatewayDatabase", io.mailgateway.store.sql.GatewayDatabase.class)
                .dataSource();
    }

    private static SmtpTestClient submission() throws Exception {
        SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.gateway().submissionPort());
        c.send("STARTTLS").expect(220, "2.0.0");
        c.startTls();
        return c;
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_offer_auth_only_under_tls() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(TestGateway.gateway().submissionPort())) {
            assertThat(c.send("EHLO client.test").expect(250).lines()).noneMatch(l -> l.startsWith("AUTH"));
            c.send("AUTH PLAIN " + plain(USER, PASSWORD)).expect(538, "5.7.11");
            c.send("STARTTLS").expect(220);
            c.startTls();
            assertThat(c.send("EHLO client.test").expect(250).lines()).contains("AUTH PLAIN LOGIN");
        }
    }

    @Test
    void should_let_an_authenticated_user_relay_anywhere_from_its_own_address() throws Exception {
        try (SmtpTestClient c = submission()) {
            c.send("EHLO client.test").expect(250);
            c.send("AUTH PLAIN " + plain(USER, PASSWORD)).expect(235, "2.7.0");
            c.send("AUTH PLAIN " + plain(USER, PASSWORD)).expect(503, "5.5.1");
            assertThat(c.send("EHLO client.test").expect(250).lines()).noneMatch(l -> l.startsWith("AUTH"));
            c.send("MAIL FROM:<mallory.auth@example.com>").expect(553, "5.7.1");
            c.send("MAIL FROM:<" + USER + ">").expect(250, "2.1.0");
            c.send("RCPT TO:<someone@remote.example>").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw("Subject: submitted\r\n\r\nhello\r\n.\r\n");
            c.expect(250, "2.0.0");
        }
    }

    @Test
    void should_take_a_long_password_in_both_mechanisms() throws Exception {
        assertThat(LONG_PASSWORD).hasSize(400);
        try (SmtpTestClient c = submission()) {
            c.send("EHLO client.test").expect(250);
            c.send("AUTH PLAIN " + plain(LONG_USER, LONG_PASSWORD)).expect(235, "2.7.0");
        }
        try (SmtpTestClient c = submission()) {
            c.send("EHLO client.test").expect(250);
            c.send("AUTH PLAIN").expect(334);
            c.send(plain(LONG_USER, LONG_PASSWORD)).expect(235, "2.7.0");
        }
        try (SmtpTestClient c = submission()) {
            c.send("EHLO client.test").expect(250);
            c.send("AUTH LOGIN").expect(334);
            c.send(b64(LONG_USER)).expect(334);
            c.send(b64(LONG_PASSWORD)).expect(235, "2.7.0");
        }
    }

    @Test
    void should_refuse_a_sasl_response_with_a_nul_as_undecodable() throws Exception {
        try (SmtpTestClient c = submission()) {
            c.send("EHLO client.test").expect(250);
            c.send("AUTH PLAIN").expect(334);
            c.send("AGFsaWNl\0AGJhZA==").expect(501, "5.5.2");
            c.send("NOOP").expect(250);
        }
    }

    @Test
    void should_take_auth_login_with_challenges() throws Exception {
        try (SmtpTestClient c = submission()) {
            c.send("EHLO client.test").expect(250);
            assertThat(c.send("AUTH LOGIN").expect(334).text()).isEqualTo("VXNlcm5hbWU6");
            assertThat(c.send(b64(USER)).expect(334).text()).isEqualTo("UGFzc3dvcmQ6");
            c.send(b64(PASSWORD)).expect(235, "2.7.0");
            c.send("MAIL FROM:<" + USER + ">").expect(250, "2.1.0");
        }
    }

    @Test
    void should_refuse_bad_credentials_cancel_and_garbage() throws Exception {
        try (SmtpTestClient c = submission()) {
            c.send("EHLO client.test").expect(250);
            c.send("AUTH CRAM-MD5").expect(504, "5.5.4");
            c.send("AUTH PLAIN").expect(334);
            c.send("*").expect(501, "5.0.0");
            c.send("AUTH PLAIN !!notbase64!!").expect(501, "5.5.2");
            c.send("AUTH PLAIN " + plain(USER, "wrong")).expect(535, "5.7.8");
            c.send("MAIL FROM:<" + USER + ">").expect(530, "5.7.0");
        }
    }

    @Test
    void should_block_an_account_after_repeated_failures_and_write_it_all_to_the_audit_log() throws Exception {
        String victim = "mallory.auth@example.com";
        // from another loopback address than the other tests, so only this client and account get blocked
        try (SmtpTestClient c = SmtpTestClient.connectRaw(TestGateway.gateway().submissionPort(), "127.0.0.23")) {
            c.expect(220);
            c.send("EHLO client.test").expect(250);
            c.send("STARTTLS").expect(220);
            c.startTls();
            c.send("EHLO client.test").expect(250);
            c.send("AUTH PLAIN " + plain(victim, "guess1")).expect(535, "5.7.8");
            c.send("AUTH PLAIN " + plain(victim, "guess2")).expect(535, "5.7.8");
            c.send("AUTH PLAIN " + plain(victim, "guess3")).expect(421, "4.7.0"); // AUTH_MAX_FAILURES=3 in the tests
            assertThat(c.isClosedByServer()).isTrue();
        }
        try (SmtpTestClient c = submission()) {
            c.send("EHLO client.test").expect(250);
            // the account stays blocked from any address, even with the right password
            c.send("AUTH PLAIN " + plain(victim, "a different password")).expect(421, "4.7.0");
        }
        // the failures and the refusal name the account; the block names what was blocked (this client's address or the account)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit(victim)).contains("auth.failure", "auth.refused"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(auditFrom("127.0.0.23")).contains("auth.failure", "auth.block"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit(USER)).contains("auth.success"));
    }

    private static List<String> audit(String actor) throws Exception {
        return actions("SELECT action FROM audit_log WHERE actor = ? ORDER BY id", actor);
    }

    private static List<String> auditFrom(String client) throws Exception {
        return actions("SELECT action FROM audit_log WHERE client_address = ? ORDER BY id", client);
    }

    private static List<String> actions(String sql, String value) throws Exception {
        List<String> actions = new ArrayList<>();
        try (Connection c = database().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    actions.add(rs.getString(1));
                }
            }
        }
        return actions;
    }
}
