package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operators edit routes without a rebuild or restart (ROUTES_RELOAD=true): a broken file is
 * refused with its line and column while the running routes keep serving; a good edit is
 * applied live.
 */
class RouteReloadIT {

    @TempDir
    Path dir;

    @Test
    void should_refuse_a_broken_route_file_and_apply_a_good_edit_live() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Path maildirRoute = routes.resolve("store-maildir.camel.yaml");
        String original = Files.readString(maildirRoute);
        int port = GatewayProcess.freePort();
        Map<String, String> env = Map.of("DATA_DIR", dir.resolve("data").toString(), "SMTP_PORT", String.valueOf(port),
                "ROUTES_DIR", routes.toString(), "ROUTES_RELOAD", "true");
        try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
            deliverAndAwait(port, "before@example.com");

            int logged = gateway.log().length();
            Files.writeString(maildirRoute, original.replace("      steps:", "     steps:\n  - broken: [")); // bad YAML
            await().atMost(Duration.ofSeconds(30)).failFast(() -> !gateway.isAlive())
                    .until(() -> gateway.log().substring(logged).contains("store-maildir.camel.yaml"));
            await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofSeconds(1)).until(() -> true);
            String log = gateway.log().substring(logged);
            assertThat(log).as(log).containsPattern("line \\d+, column \\d+");
            deliverAndAwait(port, "during@example.com");

            // A good edit: the store now also logs each message it writes.
            Files.writeString(maildirRoute, original.replace("        - process:\n            ref: maildirStore",
                    "        - process:\n            ref: maildirStore\n        - log: \"stored ${header.MailQueueId} (edited route)\""));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                deliverAndAwait(port, "after@example.com");
                return gateway.log().contains("(edited route)");
            });
        }
    }

    private void deliverAndAwait(int port, String rcpt) throws Exception {
        String id;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            id = c.sendMail("s@example.org", List.of(rcpt), "Subject: reload\r\n\r\nx\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                Maildirs.newFiles(dir.resolve("data")).stream().anyMatch(f -> Maildirs.queueId(f).equals(id)));
    }
}
