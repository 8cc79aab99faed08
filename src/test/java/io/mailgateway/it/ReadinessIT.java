package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.S3ProxyProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /ready follows a store's backend: a gateway process of its own with the Maildir and S3 stores
 * on an s3proxy of its own. Ready; s3proxy killed: 503 with store-s3 DOWN and the other checks
 * still UP, smtp_ready 0, /health still 200 (the process is fine, only not ready); s3proxy back:
 * 200 and smtp_ready 1 again.
 */
class ReadinessIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Long enough for the cached evaluation to expire and the S3 check's timeout to pass. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void should_turn_not_ready_while_s3_is_down_and_ready_when_it_is_back() throws Exception {
        try (S3ProxyProcess s3 = S3ProxyProcess.start()) {
            int httpPort = GatewayProcess.freePort();
            int metricsPort = GatewayProcess.freePort();
            Map<String, String> env = new HashMap<>();
            env.put("DATA_DIR", dir.resolve("data").toString());
            env.put("STORAGE_TYPE", "maildir,s3");
            env.put("S3_ENDPOINT", s3.endpoint());
            env.put("S3_BUCKET", "ready-it");
            env.put("AWS_ACCESS_KEY_ID", S3ProxyProcess.ACCESS_KEY);
            env.put("AWS_SECRET_ACCESS_KEY", S3ProxyProcess.SECRET_KEY);
            env.put("HTTP_PORT", String.valueOf(httpPort));
            env.put("METRICS_PORT", String.valueOf(metricsPort));
            try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
                String ready = "http://127.0.0.1:" + httpPort + "/ready";
                await("ready").atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> get(ready).statusCode() == 200);
                assertThat(checks(get(ready))).containsEntry("store-s3", "UP").containsEntry("store-maildir", "UP")
                        .containsEntry("broker", "UP").containsEntry("smtp-listener", "UP");

                s3.stop();
                await("not ready with S3 down").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> get(ready).statusCode() == 503);
                HttpResponse<String> down = get(ready);
                assertThat(Jsoner.deserialize(down.body(), new JsonObject()).getString("status")).isEqualTo("DOWN");
                assertThat(checks(down)).containsEntry("store-s3", "DOWN").containsEntry("store-maildir", "UP")
                        .containsEntry("broker", "UP").containsEntry("smtp-listener", "UP");
                assertThat(metrics(metricsPort)).containsPattern("(?m)^smtp_ready 0(\\.0)?$");
                assertThat(get("http://127.0.0.1:" + httpPort + "/health").statusCode()).isEqualTo(200);

                s3.startAgain();
                await("ready again").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> get(ready).statusCode() == 200);
                await("smtp_ready 1").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> metrics(metricsPort).matches("(?s).*\\nsmtp_ready 1(\\.0)?\\n.*"));
            }
        }
    }

    /** Check id → status, from the JSON body of /ready. */
    private static Map<String, String> checks(HttpResponse<String> r) throws Exception {
        Map<String, String> states = new HashMap<>();
        for (Object c : (JsonArray) Jsoner.deserialize(r.body(), new JsonObject()).get("checks")) {
            states.put(((JsonObject) c).getString("id"), ((JsonObject) c).getString("status"));
        }
        return states;
    }

    private static String metrics(int port) throws Exception {
        return get("http://127.0.0.1:" + port + "/metrics").body();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
