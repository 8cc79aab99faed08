package io.mailgateway.metrics;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Limits of the JDK's HTTP server behind /metrics and the status endpoints, which has none by
 * default: a client that sends half a request holds a worker thread and a file descriptor for
 * ever. The JDK reads them once, from system properties, when the first server is created
 * (sun.net.httpserver.ServerConfig), so {@link #apply()} runs before each {@code HttpServer.create};
 * a value already given on the command line is kept.
 */
final class HttpLimits {

    /**
     * Seconds a request may take to arrive (its connection is closed after), seconds a response
     * may take to be read, and connections open at once per server.
     */
    static final Map<String, String> DEFAULTS = Map.of(
            "sun.net.httpserver.maxReqTime", "10",
            "sun.net.httpserver.maxRspTime", "30",
            "jdk.httpserver.maxConnections", "100");

    /** Worker threads per server: a slow client holds one at most until maxReqTime, the others answer. */
    static final int THREADS = 4;

    private HttpLimits() {
    }

    static synchronized void apply() {
        DEFAULTS.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }

    /** The fixed pool of {@link #THREADS} daemon threads a server runs its exchanges on. */
    static ExecutorService workers(String name) {
        return Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
