package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/storage.md's plug-in guide, done as an operator would: the example route
 * docs/examples/store-files.camel.yaml copied next to the standard routes, "files" added to
 * STORAGE_TYPE, the packaged jar started; a message sent over SMTP lands in that endpoint.
 */
class StoreExampleIT {

    @TempDir
    Path dir;

    @Test
    void should_store_mail_through_the_documented_example_route() throws Exception {
        Path routes = dir.resolve("routes");
        Files.createDirectories(routes);
        try (Stream<Path> standard = Files.list(Path.of("routes"))) {
            for (Path f : standard.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Files.copy(Path.of("docs", "examples", "store-files.camel.yaml"), routes.resolve("store-files.camel.yaml"));
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of("DATA_DIR", data.toString(), "ROUTES_DIR", routes.toString(),
                "STORAGE_TYPE", "maildir,files", "LOCAL_DOMAINS", "example.com");
        try (GatewayProcess p = GatewayProcess.start(dir, env)) {
            String id;
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(p.port())) {
                c.send("MAIL FROM:<s@example.org>").expect(250, "2.1.0");
                c.send("RCPT TO:<files@example.com>").expect(250, "2.1.5");
                c.send("DATA").expect(354);
                c.sendRaw("Subject: plug-in\r\n\r\nto any endpoint\r\n.\r\n");
                id = SmtpTestClient.queueId(c.expect(250, "2.0.0"));
            }
            Path file = data.resolve("files").resolve(id + ".eml");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(file));
            String stored = Files.readString(file, StandardCharsets.ISO_8859_1);
            assertThat(stored).startsWith("Received: from ").contains(" id " + id).endsWith("\r\nSubject: plug-in\r\n\r\nto any endpoint\r\n");
            try (Stream<Path> files = Files.list(data.resolve("files"))) {
                assertThat(files).extracting(f -> f.getFileName().toString()).containsExactly(id + ".eml"); // no temp file left
            }
            assertThat(p.terminate()).isIn(0, 143);
        }
    }

    @Test
    void should_warn_at_startup_that_the_memory_store_is_not_durable() throws Exception {
        Map<String, String> env = Map.of("DATA_DIR", dir.resolve("data").toString(), "STORAGE_TYPE", "maildir,memory",
                "MEMORY_STORE_MAX_MESSAGES", "500");
        try (GatewayProcess p = GatewayProcess.start(dir, env)) {
            assertThat(p.log()).containsPattern("WARN .*memory store is NOT durable: it keeps the last 500 messages");
            assertThat(p.terminate()).isIn(0, 143);
        }
    }
}
