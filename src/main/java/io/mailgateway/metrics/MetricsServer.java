package io.mailgateway.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

/**
 * GET /metrics in the Prometheus text format, on the JDK's own HTTP server with the limits of
 * {@link HttpLimits} (a few threads and a request timeout, so a client that stalls cannot stop
 * the scrapes). Lifecycle: {@link #start}, then {@link #close}.
 */
public final class MetricsServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** @param port 0 picks a free port (see {@link #port()}) */
    public static MetricsServer start(String bindAddress, int port, PrometheusMeterRegistry registry) throws IOException {
        HttpLimits.apply();
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!HttpResponses.isGetOrHead(exchange)) {
                    HttpResponses.methodNotAllowed(exchange);
                    return;
                }
                HttpResponses.send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                        registry.scrape().getBytes(StandardCharsets.UTF_8));
            }
        });
        ExecutorService executor = HttpLimits.workers("metrics-http");
        server.setExecutor(executor);
        server.start();
        return new MetricsServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
