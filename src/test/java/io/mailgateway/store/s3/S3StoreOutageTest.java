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
 * every accepted message is stored, exactly once, and none went to store.s3.dlq (S3 unreachable
 * is a transient failure).
 */
@ExtendWith(TestGateway.class)
class S3StoreOutageTest {

    private static final int MESSAGES = 10;

    @Test
    void should_store_every_message_once_after_s3_comes_back() throws Exception {
        // Counts attempts of the S3 store that failed (and so were rolled back to the broker).
        java.util.concurrent.atomic.AtomicInteger failedAttempts = new java.util.concurrent.atomic.AtomicInteger();
        org.apache.camel.support.EventNotifierSupport failures = new org.apache.camel.support.EventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                org.apache.camel.Exchange e = ((org.apache.camel.spi.CamelEvent.ExchangeFailedEvent) event).getExchange();
                if ("store-s3".equals(e.getFromRouteId())) {
                    failedAttempts.incrementAndGet();
                }
            }

            @Override
            public boolean isEnabled(org.apache.camel.spi.CamelEvent event) {
                return event instanceof org.apache.camel.spi.CamelEvent.ExchangeFailedEvent;
            }
        };
        failures.start();
        TestGateway.camel().getManagementStrategy().addEventNotifier(failures);
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
            // the first redeliveries fail too: more failed attempts than messages
            await().atMost(Duration.ofSeconds(30)).until(() -> failedAttempts.get() > MESSAGES);
        } finally {
            TestGateway.s3().startAgain();
        }
        TestGateway.camel().getManagementStrategy().removeEventNotifier(failures);
        await().atMost(Duration.ofSeconds(60)).until(() -> TestGateway.gateway().broker().depth("s3") == 0
                && ids.stream().allMatch(id -> S3Objects.keyOf(id).isPresent()));
        // Transient: retried, never set aside as a dead letter.
        assertThat(TestGateway.gateway().broker().server()
                .locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of("store.s3.dlq")).getMessageCount()).isZero();
        for (String id : ids) {
            assertThat(S3Objects.keysOf(id)).as("objects for %s", id).hasSize(1);
            assertThat(new String(S3Objects.get(S3Objects.keyOf(id).orElseThrow()).readAllBytes(), StandardCharsets.US_ASCII))
                    .contains("Subject: outage " + ids.indexOf(id) + "\r\n");
        }
    }
}
