package io.mailgateway.metrics;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/** Writing one answer on the JDK's HTTP server, the same way for /metrics and the status endpoints. */
final class HttpResponses {

    private HttpResponses() {
    }

    static boolean isGetOrHead(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        return "GET".equals(method) || "HEAD".equals(method);
    }

    /** 405 with the methods allowed (RFC 9110 15.5.6: a 405 carries Allow). */
    static void methodNotAllowed(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
    }

    /** Status, type and body; for HEAD the same headers without the body. */
    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
