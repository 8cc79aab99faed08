package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.smtp.camel.SmtpdConsumer;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What caps how many messages are at end of data at once, in the running gateway: not
 * WORKER_THREADS (the listener's event loops, which multiplex every session) but
 * BROKER_WRITE_CONCURRENCY (the route threads, each ending in a blocking durable write). Each
 * test runs its own smtpd route with a step that holds messages, and real client sessions.
 */
@ExtendWith(TestGateway.class)
class AcceptanceConcurrencyTest {

    private static final String ROUTE = "acceptance-concurrency";
    private static final byte[] BODY = "Subject: concurrency\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ExecutorService clients = Executors.newCachedThreadPool();

    @AfterEach
    void removeRoute() throws Exception {
        clients.shutdownNow();
        TestGateway.camel().getRouteController().stopRoute(ROUTE);
        TestGateway.camel().removeRoute(ROUTE);
    }

    private static int listener(String options, Processor hold) throws Exception {
        TestGateway.camel().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("smtpd:127.0.0.1:0?" + options).routeId(ROUTE).process(hold).to("accepted:mail.accepted");
            }
        });
        return ((SmtpdConsumer) TestGateway.camel().getRoute(ROUTE).getConsumer()).getLocalPort();
    }

    /** Sessions that each send one message, noting when its final dot is written; each returns the final reply's code. */
    private List<Future<Integer>> send(int port, int sessions, AtomicInteger dataSent) {
        List<Future<Integer>> replies = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            replies.add(clients.submit(() -> {
                try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
                    c.timeout(Duration.ofSeconds(60));
                    c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
                    c.send("RCPT TO:<concurrency@example.com>").expect(250, "2.1.5");
                    c.send("DATA").expect(354);
                    c.sendRaw(BODY);
                    dataSent.incrementAndGet();
                    return c.read().code();
                }
            }));
        }
        return replies;
    }

    @Test
    void should_hold_forty_messages_at_end_of_data_at_once_with_sixteen_worker_threads() throws Exception {
        int sessions = 40;
        // the barrier trips only when all 40 messages are in the route together; a cap below 40 breaks it
        CyclicBarrier allAtOnce = new CyclicBarrier(sessions);
        int port = listener("workerThreads=16", exchange -> allAtOnce.await(60, TimeUnit.SECONDS));
        List<Future<Integer>> replies = send(port, sessions, new AtomicInteger());
        for (Future<Integer> reply : replies) {
            assertThat(reply.get(90, TimeUnit.SECONDS)).isEqualTo(250);
        }
    }

    @Test
    void should_cap_messages_in_the_route_at_the_broker_write_concurrency() throws Exception {
        int cap = 4;
        int sessions = 12;
        AtomicInteger inRoute = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        int port = listener("workerThreads=16&brokerWriteConcurrency=" + cap, exchange -> {
            most.accumulateAndGet(inRoute.incrementAndGet(), Math::max);
            try {
                release.await(60, TimeUnit.SECONDS);
            } finally {
                inRoute.decrementAndGet();
            }
        });
        AtomicInteger dataSent = new AtomicInteger();
        List<Future<Integer>> replies = send(port, sessions, dataSent);
        // every client has sent its whole message, and the route holds as many as it may
        await().atMost(Duration.ofSeconds(60)).until(() -> dataSent.get() == sessions && inRoute.get() == cap);
        release.countDown();
        for (Future<Integer> reply : replies) {
            assertThat(reply.get(90, TimeUnit.SECONDS)).isEqualTo(250);
        }
        assertThat(most.get()).isEqualTo(cap);
    }
}
