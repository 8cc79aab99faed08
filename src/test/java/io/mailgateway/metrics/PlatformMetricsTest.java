package io.mailgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.metrics.Scrape.Sample;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The platform's series on the running gateway's /metrics after mail went through: Camel's per
 * route (so camel-main really applied the beans of metrics.CamelMetrics), the embedded broker's
 * per queue, and the JVM's and process's, each bound once.
 */
@ExtendWith(TestGateway.class)
class PlatformMetricsTest {

    private static String rcpt;

    @BeforeAll
    static void send_one_message() throws Exception {
        rcpt = TestGateway.uniqueUser("metrics") + "@example.com";
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<sender@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw("Subject: metrics\r\n\r\nhello\r\n.\r\n");
            c.expect(250, "2.0.0");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !TestGateway.newMail(rcpt).isEmpty());
    }

    private static Scrape scrape() throws Exception {
        return Scrape.of(TestGateway.gateway().metricsPort());
    }

    @Test
    void should_count_exchanges_of_the_inbound_and_the_store_routes() throws Exception {
        // The store route's exchange ends just after the Maildir rename: poll until it is counted.
        await().atMost(Duration.ofSeconds(30)).until(() -> total(scrape(), "store-maildir") > 0);
        Scrape scrape = scrape();
        assertThat(total(scrape, "smtp-inbound")).isGreaterThan(0);
        assertThat(scrape.find("camel_exchanges_succeeded_total", Map.of("routeId", "smtp-inbound"))).isNotEmpty();
        assertThat(scrape.find("camel_exchanges_failed_total", Map.of("routeId", "store-maildir"))).isNotEmpty();
        assertThat(scrape.find("camel_exchanges_inflight", Map.of("routeId", "smtp-inbound"))).isNotEmpty();
        assertThat(scrape.find("camel_route_policy_seconds_count", Map.of("routeId", "smtp-inbound")))
                .extracting(Sample::value).allMatch(v -> v > 0).isNotEmpty();
        assertThat(scrape.find("camel_routes_running_routes")).extracting(Sample::value).allMatch(v -> v > 0).isNotEmpty();
    }

    @Test
    void should_count_a_route_added_at_runtime_too() throws Exception {
        int port = TestGateway.extraListener("metrics-extra-listener", "greetingDelay=0");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            c.send("MAIL FROM:<sender@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<" + TestGateway.uniqueUser("metrics") + "@example.com>").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw("Subject: extra\r\n\r\nhello\r\n.\r\n");
            c.expect(250, "2.0.0");
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> total(scrape(), "metrics-extra-listener") > 0);
            assertThat(scrape().find("camel_exchanges_inflight", Map.of("routeId", "metrics-extra-listener"))).hasSize(1);
        } finally {
            // the shared gateway: another test may open a listener with the same URI
            TestGateway.camel().getRouteController().stopRoute("metrics-extra-listener");
            TestGateway.camel().removeRoute("metrics-extra-listener");
        }
    }

    @Test
    void should_show_the_broker_queues() throws Exception {
        Scrape scrape = scrape();
        Map<String, String> maildir = Map.of("queue", "store.maildir", "address", "mail.accepted");
        assertThat(scrape.find("artemis_message_count", maildir)).hasSize(1);
        assertThat(scrape.find("artemis_messages_added", maildir)).singleElement()
                .satisfies(s -> assertThat(s.value()).isGreaterThan(0));
        assertThat(scrape.find("artemis_messages_acknowledged", maildir)).hasSize(1);
    }

    @Test
    void should_show_jvm_and_process_series_bound_once() throws Exception {
        Scrape scrape = scrape();
        for (String name : List.of("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "system_cpu_count", "process_cpu_usage", "process_uptime_seconds",
                "process_files_open_files", "process_cpu_time_ns_total")) {
            assertThat(scrape.find(name)).as(name).isNotEmpty();
        }
        assertThat(scrape.find("process_cpu_seconds_total")).hasSize(1).allMatch(s -> s.value() > 0 && s.labels().isEmpty());
        assertThat(scrape.find("process_resident_memory_bytes")).hasSize(1)
                .allMatch(s -> s.value() > 10_000_000 && s.labels().isEmpty());
        // Our binders, not the broker's: those carry a "broker" label (and would clash with ours).
        assertThat(scrape.samples()).filteredOn(s -> s.name().startsWith("jvm_") || s.name().startsWith("process_")
                || s.name().startsWith("system_")).noneMatch(s -> s.labels().containsKey("broker"));
        assertThat(scrape.text()).containsOnlyOnce("# TYPE process_cpu_seconds_total counter");
    }

    /** camel_exchanges_total of one route (0 when absent). */
    private static double total(Scrape scrape, String routeId) {
        return scrape.find("camel_exchanges_total", Map.of("routeId", routeId)).stream().mapToDouble(Sample::value).sum();
    }
}
