package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.CaptureSmtpServer;
import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail the gateway originates goes where its recipient's domain says, like any other mail: a
 * bounce to a remote sender leaves through "delivery" and the transport map's {@code *} entry,
 * never into a Maildir of a domain that is not local; a relayed message is never written to a
 * mailbox either. The set-up of issue 9: only localhost is local, example.com and everything
 * else (*) go to one loopback next hop.
 */
class OwnMailRoutingIT {

    @TempDir
    Path dir;

    @Test
    void should_send_a_bounce_to_a_remote_sender_through_the_star_entry_and_write_no_foreign_mailbox() throws Exception {
        try (CaptureSmtpServer hop = CaptureSmtpServer.start()) {
            String next = "smtp:[127.0.0.1]:" + hop.port();
            Path data = dir.resolve("data");
            Map<String, String> env = Map.of(
                    "DATA_DIR", data.toString(),
                    "SMTP_PORT", String.valueOf(GatewayProcess.freePort()),
                    "SMTP_HOSTNAME", "mx.own.test",
                    "LOCAL_DOMAINS", "localhost",
                    "TRANSPORT_MAP", "example.com=" + next + ",*=" + next,
                    "STORAGE_TYPE", "maildir,sql");
            try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
                String id;
                try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
                    // perm-...: the next hop answers 550 5.1.1; a local recipient on the same message
                    id = c.sendMail("sender@example.org", List.of("perm-nobody@example.com", "alice@localhost"),
                            "Subject: bounce me\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                // The DSN leaves through '*' (example.org is neither local nor relayed), from <>.
                await().atMost(Duration.ofSeconds(30)).until(() -> !hop.messagesFor("sender@example.org").isEmpty());
                CaptureSmtpServer.Received dsn = hop.messagesFor("sender@example.org").get(0);
                assertThat(dsn.mailFrom()).isEmpty();
                assertThat(new String(dsn.data(), StandardCharsets.US_ASCII))
                        .contains("Final-Recipient: rfc822; perm-nobody@example.com", "Action: failed", "Status: 5.1.1");
                assertThat(hop.attempts("perm-nobody@example.com")).hasSize(1);
                // Only the local recipient has a mailbox: no example.com, no example.org under maildir/.
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.isDirectory(data.resolve("maildir/localhost/alice/new")));
                assertThat(children(data.resolve("maildir"))).containsExactly("localhost");
                assertThat(children(data.resolve("maildir/localhost"))).containsExactly("alice");
                assertThat(gateway.log()).contains(id + ": bounce").contains("to <sender@example.org> (RELAY)");
                assertThat(gateway.terminate()).isIn(0, 143);
            }
        }
    }

    private static List<String> children(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
