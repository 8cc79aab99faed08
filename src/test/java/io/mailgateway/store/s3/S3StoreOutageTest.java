package io.mailgateway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * S3 down: SMTP still accepts, the Maildir store still writes, the S3 store's messages wait in
 * the broker (rollback, redelivery with backoff); S3 back on the same port and directory:
 * every accepted message is stored, exactly once.
 */
@ExtendWith(TestGateway.class)
class S3StoreOutageTest {

    private static final int MESSAGES = 10;

    @Test
    void should_store_every_message_once_after_s3_comes_back() throws Exception {
        String rcpt = TestGateway.uniqueUser("s3down") + "@example.com";
        List<String> ids = new ArrayList<>();
        TestGateway.s3().stop();
        try {
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
                for (int i = 0; i < MESSAGES; i++) {
                    byte[] msg = ("Subject: outage " + i + "\r\n\r\nbody " + i + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII);
                    ids.add(c.sendMail("s@example.org", List.of(rcpt), msg)); // 250 while S3 is down
                }
            }
            // The other store goes on; the S3 store's copies wait in the broker.
            await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.newMail(rcpt).size() == MESSAGES);
            await().atMost(Duration.ofSeconds(10)).until(() -> TestGateway.gateway().broker().depth("s3") >= MESSAGES);
            Thread.sleep(1500); // let the first redeliveries fail too
        } finally {
            TestGateway.s3().startAgain();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> TestGateway.gateway().broker().depth("s3") == 0
                && ids.stream().allMatch(id -> S3Objects.keyOf(id).isPresent()));
        for (String id : ids) {
            assertThat(S3Objects.keysOf(id)).as("objects for %s", id).hasSize(1);
            assertThat(new String(S3Objects.get(S3Objects.keyOf(id).orElseThrow()).readAllBytes(), StandardCharsets.US_ASCII))
                    .contains("Subject: outage " + ids.indexOf(id) + "\r\n");
        }
    }
}
