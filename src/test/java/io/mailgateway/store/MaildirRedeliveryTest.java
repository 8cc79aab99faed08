package io.mailgateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A store that cannot write does not lose the message: the broker transaction rolls back and
 * the broker redelivers with backoff until the write succeeds. The fault is real: a plain file
 * sits where the recipient's Maildir must be created.
 */
@ExtendWith(TestGateway.class)
class MaildirRedeliveryTest {

    @Test
    void should_redeliver_until_the_maildir_can_be_written() throws Exception {
        String user = TestGateway.uniqueUser("blocked");
        String rcpt = user + "@example.com";
        Path mailbox = TestGateway.maildir().resolve("example.com").resolve(user);
        Files.createDirectories(mailbox.getParent());
        Files.writeString(mailbox, "not a directory");
        String id;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            id = c.sendMail("s@example.org", List.of(rcpt), "Subject: retry\r\n\r\nx\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        // The broker holds it and retries (1 s, 2 s, ...): it stays queued while the fault lasts.
        await().atMost(Duration.ofSeconds(10)).until(() -> TestGateway.gateway().broker().depth("maildir") >= 1);
        assertThat(Files.isRegularFile(mailbox)).isTrue();

        Files.delete(mailbox);
        await().atMost(Duration.ofSeconds(30)).until(() -> TestGateway.newMail(rcpt).size() == 1);
        assertThat(TestGateway.newMail(rcpt).get(0).getFileName().toString()).contains(id);
    }
}
