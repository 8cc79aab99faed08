package io.mailgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

/**
 * Clients that open a connection to /metrics or the status port and send half a request: the
 * JDK's server reads the request on a worker thread, with no request timeout by default, so each
 * held a thread (and a file descriptor) for as long as it liked; /metrics had one thread, the
 * status server two. Now a few threads each, and {@link HttpLimits}' request timeout.
 */
class HttpSlowClientTest {

    private static Socket halfRequest(int port, String path) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII)); // no blank line
        out.flush();
        return s;
    }

    private static int get(String url) throws Exception {
        return get(url, Duration.ofSeconds(5));
    }

    private static int get(String url, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void should_answer_a_scrape_while_one_client_stalls() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry);
             Socket stalled = halfRequest(server.port(), "/metrics")) {
            Thread.sleep(300);
            assertThat(get("http://127.0.0.1:" + server.port() + "/metrics")).isEqualTo(200);
        }
    }

    @Test
    void should_answer_health_checks_while_two_clients_stall() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Supplier<CamelContext> none = () -> null;
        Readiness readiness = new Readiness(none).registerGauge(registry);
        List<Socket> stalled = new ArrayList<>();
        try (StatusServer server = StatusServer.start("127.0.0.1", 0, registry, readiness, none)) {
            stalled.add(halfRequest(server.port(), "/health"));
            stalled.add(halfRequest(server.port(), "/health"));
            Thread.sleep(300);
            assertThat(get("http://127.0.0.1:" + server.port() + "/health")).isEqualTo(503); // answered at all
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    /**
     * As many stalled clients as the server has threads: the request timeout (10 s) closes their
     * connections, so the scrape waiting behind them is answered, well before the generous bound
     * here; without the timeout they held the threads for good (150 s and counting).
     */
    @Test
    void should_close_connections_whose_request_does_not_arrive_and_answer_the_next() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<Socket> stalled = new ArrayList<>();
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry)) {
            for (int i = 0; i < HttpLimits.THREADS; i++) {
                stalled.add(halfRequest(server.port(), "/metrics"));
            }
            Thread.sleep(300);
            assertThat(get("http://127.0.0.1:" + server.port() + "/metrics", Duration.ofSeconds(40))).isEqualTo(200);
            for (Socket s : stalled) {
                s.setSoTimeout(10_000);
                try {
                    assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
                } catch (java.net.SocketException reset) {
                    // closed by the server, reported as a reset: as good
                }
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }
}
