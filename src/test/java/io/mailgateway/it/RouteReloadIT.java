package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ROUTES_RELOAD=true: operators edit the YAML routes of a running gateway. What Camel 4.18 does
 * (FileWatcherResourceReloadStrategy / RouteWatcherReloadStrategy), observed here:
 * <ul>
 *   <li>a file that is not valid YAML fails while pre-parsing, before any route is touched: Camel
 *       logs WARN "Error reloading routes from file: ..." with the snakeyaml position
 *       ("line L, column C") and the running routes keep serving. This needs
 *       camel.main.routesReloadRemoveAllRoutes=false (set in Gateway): with Camel's default (true)
 *       every route, smtp-inbound included, is removed first, and the same broken file leaves
 *       the SMTP port refusing connections;</li>
 *   <li>a valid edit replaces just the routes of that file (logged "Routes reloaded summary");</li>
 *   <li>a file that parses but whose route cannot be created (e.g. a bean reference that does not
 *       exist) is NOT refused safely: Camel first stops and removes the running route with that
 *       id, then fails to create the new one, and the route stays gone until the next good edit
 *       or a restart (see the disabled test). Accepted mail is not lost meanwhile: it waits in
 *       the durable store queue.</li>
 * </ul>
 * Files are replaced atomically (written aside, then renamed), as an operator's editor or a
 * config-management tool should do, so Camel never sees a half-written file.
 */
class RouteReloadIT {

    private static final String STORE_ROUTE = "store-maildir.camel.yaml";
    private static final String STORE_STEP = "        - process:\n            ref: maildirStore\n";

    @TempDir
    Path dir;

    private Path routes;
    private Path data;
    private Path storeRoute;
    private String original;

    @BeforeEach
    void copyRoutes() throws IOException {
        routes = Files.createDirectories(dir.resolve("routes"));
        data = dir.resolve("data");
        Path source = Path.of(System.getProperty("basedir", ".")).resolve("routes");
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        storeRoute = routes.resolve(STORE_ROUTE);
        original = Files.readString(storeRoute);
        assertThat(original).as("the step the edits below change").contains(STORE_STEP).contains("\n      steps:\n");
    }

    private GatewayProcess startGateway() throws IOException {
        return GatewayProcess.start(dir, Map.of(
                "DATA_DIR", data.toString(),
                "SMTP_PORT", String.valueOf(GatewayProcess.freePort()),
                "ROUTES_DIR", routes.toString(),
                "ROUTES_RELOAD", "true"));
    }

    @Test
    void should_refuse_a_file_that_is_not_yaml_keep_serving_and_apply_a_good_edit_live() throws Exception {
        try (GatewayProcess gateway = startGateway()) {
            awaitDelivered(gateway, deliver(gateway, "before@example.com"));

            // 1. Bad indentation: "steps:" one column left of its siblings.
            String broken = original.replace("\n      steps:\n", "\n     steps:\n");
            int brokenLine = lineOf(broken, "     steps:");
            int mark = gateway.log().length();
            replace(storeRoute, broken);
            String failure = awaitLog(gateway, mark, "Error reloading routes from file: " + storeRoute);
            assertThat(failure).as("Camel names the file, line and column of the YAML error")
                    .contains("in file:" + storeRoute + ", line " + brokenLine + ", column 6")
                    .contains("This exception is ignored");
            // The running routes keep serving: SMTP accepts and the Maildir store still writes.
            awaitDelivered(gateway, deliver(gateway, "during@example.com"));
            assertThat(gateway.log().substring(mark)).doesNotContain("Stopped store-maildir").doesNotContain("SMTP listener stopped");

            // 2. A good edit is applied live: the store route now also logs what it wrote.
            mark = gateway.log().length();
            replace(storeRoute, original.replace(STORE_STEP, STORE_STEP
                    + "        - log:\n"
                    // a batch route: the body is the batch, and this test's batch holds one message
                    + "            message: \"stored ${body.queueIds()} by the edited route\"\n"
                    + "            logName: io.mailgateway.routes\n"));
            awaitLog(gateway, mark, "Started store-maildir");
            assertThat(gateway.log().substring(mark)).contains("Routes reloaded summary (total:1 started:1)");
            String id = deliver(gateway, "after@example.com");
            awaitDelivered(gateway, id);
            awaitLog(gateway, mark, "stored " + id + " by the edited route");
            assertThat(gateway.log().substring(mark)).as("editing the store route leaves the listener alone")
                    .doesNotContain("SMTP listener stopped");
        }
    }

    /**
     * Passes with and without the bug the next test shows: a message accepted while the store
     * route is missing waits in the broker and arrives once a good file is back.
     */
    @Test
    void should_lose_no_accepted_message_when_a_reloaded_route_cannot_be_created() throws Exception {
        try (GatewayProcess gateway = startGateway()) {
            awaitDelivered(gateway, deliver(gateway, "before@example.com"));

            int mark = gateway.log().length();
            replace(storeRoute, original.replace("ref: maildirStore", "ref: noSuchBean"));
            String failure = awaitLog(gateway, mark, "Error reloading routes from file: " + storeRoute);
            assertThat(failure).contains("No bean could be found in the registry for: noSuchBean");

            String during = deliver(gateway, "during@example.com"); // SMTP still says 250
            boolean arrivedWhileBroken = awaitOptionally(() -> !Maildirs.ofQueueId(data, during).isEmpty(), Duration.ofSeconds(3));
            System.out.printf("store route %s the failed reload (message %s %s)%n",
                    gateway.log().substring(mark).contains("Stopped store-maildir") ? "was REMOVED by" : "survived",
                    during, arrivedWhileBroken ? "delivered at once" : "held in the broker queue");

            mark = gateway.log().length();
            replace(storeRoute, original);
            awaitLog(gateway, mark, "Started store-maildir");
            awaitDelivered(gateway, during);
            awaitDelivered(gateway, deliver(gateway, "after@example.com"));
            assertThat(Maildirs.ofQueueId(data, during)).hasSize(1);
        }
    }

    /**
     * What ROUTES_RELOAD promises (docs/configuration.md: "a broken file is refused and the running
     * routes keep serving") for a file that parses but whose route cannot be created (a bean that
     * does not exist). Camel stops the old route before it finds out; RouteReloader then puts the
     * last good version back, for a store route and for the SMTP listener's route alike.
     */
    @Test
    void should_keep_the_running_routes_when_a_reloaded_route_cannot_be_created() throws Exception {
        try (GatewayProcess gateway = startGateway()) {
            awaitDelivered(gateway, deliver(gateway, "before@example.com"));

            int mark = gateway.log().length();
            replace(storeRoute, original.replace("ref: maildirStore", "ref: noSuchBean"));
            awaitLog(gateway, mark, "Error reloading routes from file: " + storeRoute);
            awaitDelivered(gateway, deliver(gateway, "during@example.com"));

            Path inbound = routes.resolve("inbound.camel.yaml");
            String inboundOriginal = Files.readString(inbound);
            mark = gateway.log().length();
            replace(inbound, inboundOriginal.replace("ref: receivedHeader", "ref: noSuchBean"));
            awaitLog(gateway, mark, "Error reloading routes from file: " + inbound);
            awaitDelivered(gateway, deliver(gateway, "during2@example.com"));
        }
    }

    // ---------------------------------------------------------------------------------------

    private static String deliver(GatewayProcess gateway, String rcpt) throws IOException {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
            String id = c.sendMail("s@example.org", List.of(rcpt),
                    ("Subject: reload test for " + rcpt + "\r\n\r\nbody\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
            c.send("QUIT").expect(221);
            return id;
        }
    }

    private void awaitDelivered(GatewayProcess gateway, String queueId) {
        await(queueId + " in the Maildir").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    assertThat(gateway.isAlive()).as("gateway alive").isTrue();
                    return !Maildirs.ofQueueId(data, queueId).isEmpty();
                });
    }

    /** Waits until the log after {@code mark} contains {@code text}; returns the log after {@code mark}. */
    private static String awaitLog(GatewayProcess gateway, int mark, String text) {
        await("log line containing '" + text + "'").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> gateway.log().substring(mark).contains(text));
        return gateway.log().substring(mark);
    }

    private static boolean awaitOptionally(java.util.concurrent.Callable<Boolean> condition, Duration atMost) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(condition);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    /** Replaces a route file atomically: written next to the routes directory, then renamed over it. */
    private void replace(Path target, String content) throws IOException {
        Path staged = Files.createDirectories(dir.resolve("staging")).resolve(target.getFileName());
        Files.writeString(staged, content);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static int lineOf(String text, String line) {
        List<String> lines = text.lines().toList();
        int i = lines.indexOf(line);
        assertThat(i).as("line '%s'", line).isNotNegative();
        return i + 1;
    }
}
