package io.mailgateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On the real gateway with all five stores: every store route runs on threads at the gateway's
 * nice value plus STORE_NICE (10 by default), both kinds of consumer (storeBatch for maildir and
 * sql, storeJms for s3, archive and memory), and the inbound route does not.
 */
@ExtendWith(TestGateway.class)
class StorePriorityTest {

    private NiceWatch watch;

    @AfterEach
    void stopWatching() {
        if (watch != null) {
            TestGateway.camel().getManagementStrategy().removeEventNotifier(watch);
        }
    }

    @Test
    void should_run_the_stores_below_acceptance() throws Exception {
        int gateway = BackgroundPriorityTest.niceOfCurrentThread();
        watch = new NiceWatch();
        watch.start();
        TestGateway.camel().getManagementStrategy().addEventNotifier(watch);

        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.sendMail("sender@example.org", List.of("nice@example.com"),
                    "Subject: priority\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        List<String> stores = List.of("store-maildir", "store-sql", "store-s3", "store-archive", "store-memory");
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.nice.keySet().containsAll(stores));
        for (String store : stores) {
            assertThat(watch.nice.get(store)).as("nice of the thread running %s", store).isEqualTo(Math.min(19, gateway + 10));
        }
        assertThat(watch.nice.get("smtp-inbound")).as("nice of the inbound route's thread").isEqualTo(gateway);
    }

    /** The nice value of the thread that completed each route's last exchange. */
    private static final class NiceWatch extends EventNotifierSupport {
        final Map<String, Integer> nice = new ConcurrentHashMap<>();

        @Override
        public void notify(CamelEvent event) {
            Exchange e = ((CamelEvent.ExchangeEvent) event).getExchange();
            if (e.getFromRouteId() != null) {
                nice.put(e.getFromRouteId(), BackgroundPriorityTest.niceOfCurrentThread());
            }
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.ExchangeCompletedEvent;
        }
    }
}
