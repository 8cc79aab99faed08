package io.mailgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.ConsumersHealthCheckRepository;
import org.apache.camel.impl.health.RoutesHealthCheckRepository;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A fetch route whose remote mailbox cannot be reached: Camel's consumer check of it is DOWN
 * (before the first successful poll and after a failed one), and it made the whole gateway not
 * ready (GatewayNotReady, a load balancer taking the node out) for a third party's server. It is
 * shown in /ready under "fetch", not counted.
 */
class ReadinessFetchRouteTest {

    @Test
    void should_stay_ready_when_a_fetch_routes_mailbox_cannot_be_reached() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // free now, and nobody listens there after this
        }
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("pop3://127.0.0.1:" + closed + "?username=owner&password=secret&initialDelay=0&delay=200"
                            + "&connectionTimeout=2000").routeId("fetch-unreachable").process(e -> {
                            });
                }
            });
            // as Gateway configures camel-health: consumer and route checks, every check in the answer
            HealthCheckRegistry health = HealthCheckRegistry.get(camel);
            health.setExposureLevel("full");
            health.register(new RoutesHealthCheckRepository());
            health.register(new ConsumersHealthCheckRepository());
            camel.start();
            Readiness readiness = new Readiness(() -> camel);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                readiness.refresh();
                return fetchStatus(readiness.current().json()).equals("DOWN");
            });
            Readiness.Result result = readiness.current();
            assertThat(result.up()).as(result.json().toJson()).isTrue();
            assertThat(result.json().toJson()).contains("\"id\":\"route:fetch-unreachable\"");
            JsonArray counted = (JsonArray) result.json().get("checks");
            assertThat(counted.stream().map(c -> ((JsonObject) c).getString("id"))).doesNotContain("consumer:fetch-unreachable");
        }
    }

    /** The status of consumer:fetch-unreachable under "fetch", or "" when it is not there. */
    private static String fetchStatus(JsonObject json) {
        JsonArray fetch = (JsonArray) json.get("fetch");
        if (fetch == null) {
            return "";
        }
        return fetch.stream().map(c -> (JsonObject) c).filter(c -> "consumer:fetch-unreachable".equals(c.getString("id")))
                .map(c -> c.getString("status")).findFirst().orElse("");
    }
}
