package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser (headless Chromium) against a gateway process of its own,
 * so nothing else moves its counters: the page's script has fetched /stats and shows 0 received,
 * then, after three messages over SMTP, a fresh load shows 3. Leaves target/status-page.png
 * for a human to look at.
 */
class StatusPageIT {

    private static final Pattern RECEIVED = Pattern.compile("id=\"received\">([^<]*)<");
    /** Page time for the first /stats and a few 2 s polls: virtual time, not wall time. */
    private static final int PAGE_MILLIS = 5_000;

    @TempDir
    Path dir;

    @Test
    void should_show_the_received_count_and_follow_it() throws Exception {
        assertThat(HeadlessChromium.BINARY).as("Debian's chromium (bash .ci/run installs it)").isExecutable();
        int httpPort = GatewayProcess.freePort();
        Map<String, String> env = Map.of(
                "DATA_DIR", dir.resolve("data").toString(),
                "HTTP_PORT", String.valueOf(httpPort),
                "STORAGE_TYPE", "maildir");
        try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
            String url = "http://127.0.0.1:" + httpPort + "/";
            String before = HeadlessChromium.dumpDom(url, PAGE_MILLIS);
            assertThat(received(before)).as("received before any mail").isEqualTo("0");
            assertThat(before).contains("id=\"rate_1m\">0<").contains("<canvas id=\"chart\"");

            try (SmtpTestClient c = SmtpTestClient.connectEhlo(gateway.port())) {
                for (int i = 0; i < 3; i++) {
                    c.sendMail("sender@example.org", List.of("page" + i + "@example.com"),
                            ("Subject: page " + i + "\r\n\r\nshown on the status page\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                }
            }
            // Counted before each 250 was written, so the next /stats has all three.
            String after = HeadlessChromium.dumpDom(url, PAGE_MILLIS);
            assertThat(received(after)).as("received after three messages").isEqualTo("3");
            assertThat(after).contains("<span id=\"error\"></span>");

            // The chart draws /stats' throughput series, one point per 5 s sample of the gateway's
            // own clock: wait for the sample that saw the three, so the screenshot shows them.
            await("a throughput sample with the three messages").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).until(() -> throughputPeak(httpPort) > 0);
            Path png = Path.of("target", "status-page.png");
            HeadlessChromium.screenshot(url, PAGE_MILLIS, png);
            assertThat(Files.size(png)).isPositive();
        }
    }

    private static double throughputPeak(int httpPort) throws Exception {
        String stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/stats")).build(), HttpResponse.BodyHandlers.ofString()).body();
        JsonObject throughput = (JsonObject) Jsoner.deserialize(stats, new JsonObject()).get("throughput");
        return ((JsonArray) throughput.get("received_per_second")).stream()
                .mapToDouble(r -> ((Number) r).doubleValue()).max().orElse(0);
    }

    private static String received(String dom) {
        Matcher m = RECEIVED.matcher(dom);
        assertThat(m.find()).as("an element id=\"received\" in\n%s", dom).isTrue();
        return m.group(1);
    }
}
