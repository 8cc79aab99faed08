package io.mailgateway.policy.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.smtp.camel.SmtpdConsumer;
import io.mailgateway.store.sql.SqlTestRows;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The extension point of docs/policy.md end to end: checks of our own, declared as beans in a
 * YAML routes file with one step each, on a listener of the real gateway (broker, stores). The
 * verdicts take effect through the same policyDecision step as the gateway's own checks.
 */
@ExtendWith(TestGateway.class)
class CustomCheckTest {

    /** As an operator would write it; loaded into the running gateway like routes/*.camel.yaml. */
    private static final String ROUTES = """
            - beans:
                - name: requireDate
                  type: io.mailgateway.policy.camel.CheckStep
                  properties:
                    name: requireDate
                    check: "#class:io.mailgateway.policy.camel.RequireDateHeader"
                - name: testVerdict
                  type: io.mailgateway.policy.camel.CheckStep
                  properties:
                    name: testVerdict
                    check: "#class:io.mailgateway.policy.camel.VerdictFromHeader"
                - name: refuseBlocked
                  type: io.mailgateway.policy.camel.RefuseRecipient
            - route:
                id: custom-checks
                from:
                  uri: "smtpd:127.0.0.1:0"
                  parameters:
                    hostname: mx.test.local
                    localDomains: example.com
                    idleTimeout: 297
                    sessionChecks: refuseBlocked
                  steps:
                    - process:
                        ref: requireDate
                    - process:
                        ref: testVerdict
                    - process:
                        ref: policyDecision
                    - process:
                        ref: authenticationResults
                    - process:
                        ref: receivedHeader
                    - to: "accepted:mail.accepted"
            """;

    private static int port;

    @BeforeAll
    static void addRoute() throws Exception {
        PluginHelper.getRoutesLoader(TestGateway.camel()).loadRoutes(ResourceHelper.fromString("custom-checks.camel.yaml", ROUTES));
        port = ((SmtpdConsumer) TestGateway.camel().getRoute("custom-checks").getConsumer()).getLocalPort();
    }

    private static String message(String extra) {
        return "From: s@custom.test\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n" + extra + "Subject: custom\r\n\r\nhello\r\n";
    }

    private static SmtpTestClient.Reply transaction(SmtpTestClient c, String from, String rcpt, String message) throws IOException {
        c.send("MAIL FROM:<" + from + ">").expect(250, "2.1.0");
        c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
        c.send("DATA").expect(354);
        c.sendRaw(message + ".\r\n");
        return c.read();
    }

    private static long storedFrom(String sender) throws Exception {
        return SqlTestRows.count(TestGateway.sqlDataSource(), "SELECT COUNT(*) FROM messages WHERE sender = '" + sender + "'");
    }

    @Test
    void should_reject_with_the_checks_reply_and_send_nothing_to_the_broker() throws Exception {
        String rcpt = TestGateway.uniqueUser("customreject") + "@example.com";
        String refusedSender = TestGateway.uniqueUser("nodate") + "@custom.test";
        String id;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            String noDate = "From: s@custom.test\r\nSubject: undated\r\n\r\nhello\r\n";
            SmtpTestClient.Reply refused = transaction(c, refusedSender, rcpt, noDate);
            assertThat(refused.code()).as("reply %s", refused).isEqualTo(550);
            assertThat(refused.status()).isEqualTo("5.6.0");
            // the session goes on; the next message is accepted and carries the check's header field
            SmtpTestClient.Reply accepted = transaction(c, "ok@custom.test", rcpt, message(""));
            assertThat(accepted.code()).as("reply %s", accepted).isEqualTo(250);
            id = SmtpTestClient.queueId(accepted);
        }
        Map<String, Object> row = SqlTestRows.await(TestGateway.sqlDataSource(), id);
        assertThat(row.get("auth_results")).isEqualTo("mx.test.local; x-test=pass header.from=custom.test");
        await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.newMail(rcpt).size() == 1);
        String stored = Files.readString(TestGateway.newMail(rcpt).get(0), StandardCharsets.ISO_8859_1);
        assertThat(stored).contains("\r\nX-Test-Checked: accept\r\nFrom: s@custom.test\r\n");
        assertThat(stored.indexOf("Authentication-Results:")).isLessThan(stored.indexOf("X-Test-Checked:"));
        // stores write in their own order; once the later message is in SQL and Maildir, the refused one never came
        assertThat(storedFrom(refusedSender)).isZero();
    }

    @Test
    void should_run_a_check_named_in_policy_data_checks_on_the_gateways_own_inbound_route() throws Exception {
        // TestGateway sets POLICY_DATA_CHECKS=io.mailgateway.policy.camel.RejectMarked: no route names it.
        String rcpt = TestGateway.uniqueUser("configured") + "@example.com";
        String refusedSender = TestGateway.uniqueUser("marked") + "@example.org";
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            SmtpTestClient.Reply refused = transaction(c, refusedSender, rcpt,
                    "X-Test-Config-Check: reject\r\nSubject: marked\r\n\r\nhello\r\n");
            assertThat(refused.code()).as("reply %s", refused).isEqualTo(554);
            assertThat(refused.status()).isEqualTo("5.7.0");
            SmtpTestClient.Reply accepted = transaction(c, "ok@example.org", rcpt, "Subject: unmarked\r\n\r\nhello\r\n");
            assertThat(accepted.code()).as("reply %s", accepted).isEqualTo(250);
            SqlTestRows.await(TestGateway.sqlDataSource(), SmtpTestClient.queueId(accepted));
        }
        assertThat(storedFrom(refusedSender)).isZero();
    }

    @Test
    void should_tempfail_with_the_checks_reply_and_store_nothing() throws Exception {
        String rcpt = TestGateway.uniqueUser("customtemp") + "@example.com";
        String sender = TestGateway.uniqueUser("later") + "@custom.test";
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            SmtpTestClient.Reply reply = transaction(c, sender, rcpt, message("X-Test-Verdict: tempfail\r\n"));
            assertThat(reply.code()).as("reply %s", reply).isEqualTo(451);
            assertThat(reply.status()).isEqualTo("4.7.1");
            String id = SmtpTestClient.queueId(transaction(c, "ok@custom.test", rcpt, message("")));
            SqlTestRows.await(TestGateway.sqlDataSource(), id);
        }
        assertThat(storedFrom(sender)).isZero();
    }

    @Test
    void should_quarantine_into_the_junk_folder() throws Exception {
        String rcpt = TestGateway.uniqueUser("customjunk") + "@example.com";
        SmtpTestClient.Reply reply;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            reply = transaction(c, "q@custom.test", rcpt, message("X-Test-Verdict: quarantine\r\n"));
        }
        assertThat(reply.code()).as("reply %s", reply).isEqualTo(250);
        Map<String, Object> row = SqlTestRows.await(TestGateway.sqlDataSource(), SmtpTestClient.queueId(reply));
        assertThat(((Number) row.get("quarantined")).intValue()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> MailAuthenticationTest.junkMail(rcpt).size() == 1);
        assertThat(Files.readString(MailAuthenticationTest.junkMail(rcpt).get(0), StandardCharsets.ISO_8859_1)).contains("X-Test-Checked: quarantine\r\n");
        assertThat(TestGateway.newMail(rcpt)).as("not in the inbox").isEmpty();
    }

    @Test
    void should_refuse_a_recipient_by_a_session_check_named_in_the_listener_options() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            c.send("MAIL FROM:<s@custom.test>").expect(250, "2.1.0");
            c.send("RCPT TO:<blocked@example.com>").expect(550, "5.7.1");
            c.send("RCPT TO:<" + TestGateway.uniqueUser("fine") + "@example.com>").expect(250, "2.1.5");
        }
    }
}
