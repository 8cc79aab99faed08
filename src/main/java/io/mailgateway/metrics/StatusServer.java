package io.mailgateway.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.util.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status endpoints on the JDK's HTTP server (HTTP_PORT on HTTP_BIND_ADDRESS):
 * GET /health (liveness), /ready (readiness, {@link Readiness}), /stats (JSON figures,
 * {@link Stats}) and / (the status page, resource status/index.html, which polls /stats).
 * HEAD too; other methods 405, other paths 404.
 *
 * <p>Lifecycle: {@link #start} before Camel starts (so /health answers 503 while it starts),
 * {@link #close} after Camel has stopped, with /metrics. Limits: {@link HttpLimits}.
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final String JSON = "application/json; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService sampler;

    private StatusServer(HttpServer server, ExecutorService executor, ScheduledExecutorService sampler) {
        this.server = server;
        this.executor = executor;
        this.sampler = sampler;
    }

    /** @param port 0 picks a free port (see {@link #port()}) */
    public static StatusServer start(String bindAddress, int port, MeterRegistry registry, Readiness readiness,
                                     Supplier<CamelContext> context) throws IOException {
        Stats stats = new Stats(registry, () -> {
            CamelContext camel = context.get();
            return camel == null ? 0 : camel.getUptime().toMillis();
        });
        byte[] page = page();
        HttpLimits.apply();
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (!path.equals("/") && !path.equals("/health") && !path.equals("/ready") && !path.equals("/stats")) {
                    exchange.sendResponseHeaders(404, -1);
                } else if (!HttpResponses.isGetOrHead(exchange)) {
                    HttpResponses.methodNotAllowed(exchange);
                } else {
                    // Figures change by the second: no cache between the page and these answers.
                    exchange.getResponseHeaders().set("Cache-Control", "no-store");
                    answer(exchange, path, page, stats, readiness, context);
                }
            } catch (RuntimeException e) {
                // The JDK server would only drop the connection; the client sees it closed, the log says why.
                LOG.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                throw e;
            }
        });
        // A few threads, and requests that must arrive within a time (HttpLimits): a client that
        // stalls holds one for that long at most, the others answer /health and /stats.
        ExecutorService executor = HttpLimits.workers("status-http");
        server.setExecutor(executor);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(daemon("status-sampler"));
        long every = ThroughputSampler.INTERVAL.toMillis();
        sampler.scheduleAtFixedRate(() -> {
            try {
                stats.sample();
            } catch (RuntimeException e) {
                // A task that throws is never run again: the rates would freeze without a word.
                LOG.warn("throughput sample failed", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        server.start();
        return new StatusServer(server, executor, sampler);
    }

    private static void answer(HttpExchange exchange, String path, byte[] page, Stats stats, Readiness readiness,
                               Supplier<CamelContext> context) throws IOException {
        switch (path) {
            case "/health" -> {
                CamelContext camel = context.get();
                boolean up = camel != null && camel.getStatus().isStarted();
                JsonObject body = new JsonObject();
                body.put("status", up ? "UP" : "DOWN");
                HttpResponses.send(exchange, up ? 200 : 503, JSON, bytes(body));
            }
            case "/ready" -> {
                Readiness.Result result = readiness.current();
                HttpResponses.send(exchange, result.up() ? 200 : 503, JSON, bytes(result.json()));
            }
            case "/stats" -> HttpResponses.send(exchange, 200, JSON, bytes(stats.toJson()));
            default -> HttpResponses.send(exchange, 200, "text/html; charset=utf-8", page);
        }
    }

    private static byte[] bytes(JsonObject json) {
        return json.toJson().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] page() {
        try (InputStream in = StatusServer.class.getResourceAsStream("/status/index.html")) {
            if (in == null) {
                throw new IllegalStateException("resource /status/index.html missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        sampler.shutdownNow();
    }
}
