package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * STARTTLS (RFC 3207) on the MX port, the submission port and implicit TLS (RFC 8314) on the
 * SMTPS port, against the shared gateway with its self-signed certificate: real handshakes with
 * the JDK's client and with OpenSSL's.
 */
@ExtendWith(TestGateway.class)
class StartTlsTest {

    @Test
    void should_upgrade_with_starttls_and_record_the_tls_in_received() throws Exception {
        String rcpt = TestGateway.uniqueUser("tls") + "@example.com";
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("STARTTLS").expect(220, "2.0.0");
            SSLSession tls = c.startTls();
            assertThat(tls.getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            List<String> ehlo = c.send("EHLO client.test").expect(250, "").lines();
            assertThat(ehlo).as("STARTTLS is not offered twice").doesNotContain("STARTTLS");
            c.sendMail("sender@example.org", List.of(rcpt), "Subject: tls\r\n\r\nover TLS\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> TestGateway.newMail(rcpt).size() == 1);
            String stored = Files.readString(TestGateway.newMail(rcpt).get(0), StandardCharsets.UTF_8);
            assertThat(stored).contains("(using " + tls.getProtocol() + " with cipher " + tls.getCipherSuite() + ")")
                    .containsPattern("with ESMTPS id ");
        }
    }

    @Test
    void should_never_answer_commands_pipelined_behind_starttls_in_clear() throws Exception {
        // CVE-2011-0411: a man in the middle appends a command to the client's STARTTLS
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.sendRaw("STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n");
            c.expect(220, "2.0.0");
            c.startTls();
            // the injected MAIL is gone: nothing waits to be read, and the session starts over
            c.send("MAIL FROM:<a@example.org>").expect(503, "5.5.1"); // EHLO first, RFC 3207 4.2
            c.send("EHLO client.test").expect(250);
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("NOOP").expect(250, "2.0.0");
        }
    }

    @Test
    void should_refuse_starttls_with_an_argument_inside_a_transaction_or_twice() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("STARTTLS now").expect(501, "5.5.4");
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("STARTTLS").expect(503, "5.5.1");
            c.send("RSET").expect(250);
            c.send("STARTTLS").expect(220, "2.0.0");
            c.startTls();
            c.send("EHLO client.test").expect(250);
            c.send("STARTTLS").expect(503, "5.5.1");
        }
    }

    @Test
    void should_require_auth_before_mail_on_the_submission_port() throws Exception {
        int port = TestGateway.gateway().submissionPort();
        assertThat(port).isPositive();
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            c.send("MAIL FROM:<a@example.com>").expect(530, "5.7.0");
            c.send("STARTTLS").expect(220, "2.0.0");
            c.startTls();
            c.send("EHLO client.test").expect(250);
            c.send("MAIL FROM:<a@example.com>").expect(530, "5.7.0");
        }
    }

    @Test
    void should_speak_tls_from_the_first_byte_on_the_smtps_port() throws Exception {
        int port = TestGateway.gateway().smtpsPort();
        assertThat(port).isPositive();
        try (SmtpTestClient c = SmtpTestClient.connectTls(port)) {
            List<String> ehlo = c.send("EHLO client.test").expect(250, "").lines();
            assertThat(ehlo).doesNotContain("STARTTLS");
            assertThat(c.serverCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=mx.test.local");
            c.send("MAIL FROM:<a@example.com>").expect(530, "5.7.0");
        }
    }

    @Test
    void should_complete_a_starttls_handshake_with_openssl_s_client() throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-starttls", "smtp", "-connect", "127.0.0.1:" + TestGateway.port(),
                "-servername", "mx.test.local", "-brief").redirectErrorStream(true).start();
        p.getOutputStream().write("EHLO openssl.test\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().flush();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("openssl s_client ended").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("CONNECTION ESTABLISHED").containsPattern("Protocol version: TLSv1\\.[23]")
                .contains("250-mx.test.local").contains("221 2.0.0");
    }

    /** The handshake's certificate is the one made on first start, in DATA_DIR/tls (0600 key). */
    @Test
    void should_make_the_self_signed_key_readable_by_its_owner_only() throws Exception {
        Path key = TestGateway.dataDir().resolve("tls").resolve("selfsigned-key.pem");
        assertThat(Files.getPosixFilePermissions(key)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    }
}
