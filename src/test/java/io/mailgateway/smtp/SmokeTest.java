package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestGateway.class)
class SmokeTest {

    @Test
    void should_accept_a_message_and_store_it_in_the_maildir() throws Exception {
        String rcpt = TestGateway.uniqueUser("smoke") + "@example.com";
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            String id = c.sendMail("a@example.org", List.of(rcpt), "Subject: x\r\n\r\nhi\r\n.\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(id).hasSize(17);
            c.send("QUIT").expect(221, "2.0.0");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.newMail(rcpt).size() == 1);
    }
}
