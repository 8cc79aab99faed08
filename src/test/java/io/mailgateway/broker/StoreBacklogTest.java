package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Inflow control: first the wait on its own, with the depth set by the test; then on the real
 * gateway, where the Maildir store's route is stopped so that its queue passes the limit, and a
 * message sent over SMTP gets its 250 only after the wait (and is stored once the route runs).
 */
@ExtendWith(TestGateway.class)
class StoreBacklogTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private StoreBacklog installed;
    private boolean routeStopped;

    @AfterEach
    void restore() throws Exception {
        if (routeStopped) {
            TestGateway.camel().getRouteController().startRoute("store-maildir");
        }
        if (installed != null) {
            accepted().controlInflow(installed);
        }
    }

    @Test
    void should_not_wait_while_the_stores_keep_up_or_when_turned_off() {
        AtomicLong depth = new AtomicLong(99);

        assertThat(new StoreBacklog(depth::get, 100, Duration.ofSeconds(30), registry).awaitRoom()).isZero();
        depth.set(1_000_000);
        assertThat(new StoreBacklog(depth::get, 0, Duration.ofSeconds(30), registry).awaitRoom()).isZero();
        assertThat(new StoreBacklog(depth::get, 100, Duration.ZERO, registry).awaitRoom()).isZero();
        assertThat(delays().count()).isZero();
    }

    @Test
    void should_wait_at_most_the_delay_while_a_store_stays_behind() {
        StoreBacklog backlog = new StoreBacklog(() -> 500, 100, Duration.ofMillis(300), registry);

        long waited = backlog.awaitRoom();

        assertThat(waited).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(delays().count()).isEqualTo(1);
        assertThat(delays().totalTime(TimeUnit.NANOSECONDS)).isEqualTo(waited);
    }

    @Test
    void should_go_on_as_soon_as_the_stores_are_back_under_the_limit() throws Exception {
        AtomicLong depth = new AtomicLong(500);
        StoreBacklog backlog = new StoreBacklog(depth::get, 100, Duration.ofMinutes(5), registry);

        CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(backlog::awaitRoom);
        Thread.sleep(200);
        assertThat(waiting).isNotDone();
        depth.set(99);

        assertThat(waiting.get(60, TimeUnit.SECONDS)).isLessThan(Duration.ofMinutes(5).toNanos());
        assertThat(delays().count()).isEqualTo(1);
    }

    @Test
    void should_hold_a_message_before_its_write_while_the_maildir_queue_is_over_the_limit() throws Exception {
        installed = accepted().inflowControl();
        assertThat(installed).as("the gateway installs its inflow control at start").isNotNull();
        String queue = EmbeddedBroker.storeQueue("maildir");
        TestGateway.camel().getRouteController().stopRoute("store-maildir");
        routeStopped = true;
        long before = depth(queue);
        accepted().controlInflow(StoreBacklog.of(TestGateway.gateway().broker(), List.of("maildir"), before + 2,
                Duration.ofMillis(1500), registry));

        String rcpt = TestGateway.uniqueUser("inflow") + "@example.com";
        send(rcpt); // under the limit: no wait
        send(rcpt);
        await().atMost(Duration.ofSeconds(10)).until(() -> depth(queue) >= before + 2);
        assertThat(delays().count()).isZero();
        long start = System.nanoTime();
        String held = send(rcpt); // the queue is at the limit and its route stopped

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1500));
        assertThat(delays().count()).isEqualTo(1);
        TestGateway.camel().getRouteController().startRoute("store-maildir");
        routeStopped = false;
        await().atMost(Duration.ofSeconds(30)).until(() -> TestGateway.newMail(rcpt).size() == 3);
        assertThat(held).isNotBlank();
    }

    private static long depth(String queue) {
        return TestGateway.gateway().broker().server().locateQueue(org.apache.activemq.artemis.api.core.SimpleString.of(queue))
                .getMessageCount();
    }

    private static String send(String rcpt) throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            return c.sendMail("sender@example.org", List.of(rcpt),
                    "Subject: inflow\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static AcceptedComponent accepted() {
        return TestGateway.camel().getComponent("accepted", AcceptedComponent.class);
    }

    private Timer delays() {
        return registry.get("smtp.inflow.delay").timer();
    }
}
