package io.mailgateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's rspamd (apt-get install rspamd; .ci/run installs it) in the foreground with a minimal
 * configuration of its own in a temporary directory: one normal worker on a free loopback port,
 * no controller, no Redis, DNS pointed at a dead loopback port (no network), pid file, database
 * and hyperscan cache in the temporary directory. Its own actions are set far away (reject at 1000,
 * add header at 500) so the gateway's thresholds decide, except GTUBE, which rspamd answers with
 * action reject before any scoring. One test rule, {@code GATEWAY_TEST_SCORE}, scores a message by
 * its header field {@value #SCORE_FIELD} (e.g. {@code X-Test-Score: 8} scores 8), so tests can put
 * a message between or above thresholds.
 *
 * <p>Lifecycle: {@link #start} (waits until {@code GET /ping} answers, about 10 s: rspamd compiles
 * its URL and language tables at start), {@link #stop} or {@link #close}.
 */
public final class RspamdProcess implements AutoCloseable {

    public static final String SCORE_FIELD = "X-Test-Score";
    /** rspamd's GTUBE test pattern (its action reject, whatever the score). */
    public static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    private final Process process;
    private final int port;
    private final Path dir;

    private RspamdProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static RspamdProcess start(Path dir) throws IOException, InterruptedException {
        Path binary = Path.of("/usr/bin/rspamd");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Debian's rspamd is needed (apt-get install rspamd; .ci/run installs it)");
        }
        Files.createDirectories(dir.resolve("db"));
        int port = LocalDaemon.freePort();
        Files.writeString(dir.resolve("test.lua"), """
                rspamd_config:register_symbol{
                  name = 'GATEWAY_TEST_SCORE', score = 1.0, group = 'test',
                  callback = function(task)
                    local h = task:get_header('%s')
                    if h then return true, tonumber(h) end
                    return false
                  end
                }
                """.formatted(SCORE_FIELD));
        Files.writeString(dir.resolve("rspamd.conf"), """
                lua = "%1$s/test.lua";
                options {
                  pidfile = "%1$s/rspamd.pid";
                  dbdir = "%1$s/db";
                  hs_cache_dir = "%1$s/db";
                  local_confdir = "%1$s";
                  dns { nameserver = ["127.0.0.1:9"]; timeout = 1s; retransmits = 1; }
                }
                logging { type = "console"; level = "warning"; }
                actions { reject = 1000; add_header = 500; }
                worker "normal" { bind_socket = "127.0.0.1:%2$d"; count = 1; }
                """.formatted(dir.toAbsolutePath(), port));
        // -f: foreground; -i: allow running as root (the CI runs as root) without dropping to _rspamd
        Process p = new ProcessBuilder(binary.toString(), "-f", "-i", "-c", dir.resolve("rspamd.conf").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("rspamd.log").toFile()).start();
        RspamdProcess r = new RspamdProcess(p, port, dir);
        r.awaitReady(Duration.ofSeconds(90));
        return r;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitReady(Duration limit) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create(url() + "/ping")).timeout(Duration.ofSeconds(2)).build();
        LocalDaemon.awaitReady("rspamd", process, dir.resolve("rspamd.log"), limit, () -> {
            HttpResponse<String> pong = http.send(ping, HttpResponse.BodyHandlers.ofString());
            return pong.statusCode() == 200 && pong.body().startsWith("pong");
        });
    }

    /** SIGTERM, then waits for the main process and its workers (they exit with it). */
    public void stop() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        process.waitFor();
        for (ProcessHandle child : process.descendants().toList()) {
            child.onExit().join();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
