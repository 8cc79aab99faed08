package io.mailgateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * On the real gateway with all five stores: the storeBatch stores (maildir, sql) run on threads at
 * the gateway's nice value plus STORE_NICE (10 by default); the inbound route, the storeJms stores
 * (their threads talk to the broker) and every broker thread keep the gateway's. A thread inherits
 * its creator's nice value, so a broker pool thread first started by a lowered thread would serve
 * acceptance at the stores' priority: that happened before the store work moved to threads of its own.
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

        List<String> lowered = List.of("store-maildir", "store-sql");
        List<String> not = List.of("store-s3", "store-archive", "store-memory", "smtp-inbound");
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.nice.keySet().containsAll(lowered)
                && watch.nice.keySet().containsAll(not));
        for (String route : lowered) {
            assertThat(watch.nice.get(route)).as("nice of the thread running %s", route).isEqualTo(Math.min(19, gateway + 10));
        }
        for (String route : not) {
            assertThat(watch.nice.get(route)).as("nice of the thread running %s", route).isEqualTo(gateway);
        }
        // by the names the kernel has (15 characters): Camel's pool threads, among them the storeBatch
        // consumers that talk to the broker, and Artemis' threads keep the gateway's priority
        assertThat(threadsNiceAbove(gateway, "Camel (", "Thread-")).as("broker-facing threads at a lower priority").isEmpty();
        assertThat(threadsNiceAbove(gateway, "store-maildir-", "store-sql-")).as("the stores' writer threads")
                .isNotEmpty().allSatisfy(t -> assertThat(t).endsWith(" nice " + Math.min(19, gateway + 10)));
    }

    /** "NAME nice N" of this JVM's threads whose kernel name starts with one of {@code prefixes} and whose nice value is above {@code gateway}. */
    private static List<String> threadsNiceAbove(int gateway, String... prefixes) throws IOException {
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    String stat = Files.readString(task.resolve("stat"));
                    int nice = Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
                    if (java.util.Arrays.stream(prefixes).anyMatch(comm::startsWith) && nice > gateway) {
                        found.add(comm + " nice " + nice);
                    }
                } catch (NoSuchFileException ended) {
                    // the thread ended meanwhile
                }
            }
        }
        return found;
    }

    /** The nice value of the thread that completed each route's last exchange: where the store ran. */
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
