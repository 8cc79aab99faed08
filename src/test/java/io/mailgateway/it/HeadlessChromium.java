package io.mailgateway.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real browser for page tests: /usr/bin/chromium, headless, one process per page load with
 * a fresh profile (nothing cached or remembered between loads) and nothing fetched but the page
 * (no updates, sync, QUIC or background requests). Scripts run for a budget of virtual time, so
 * a page that polls every 2 s has polled a few times when the DOM is dumped, without waiting
 * that long on the wall clock. Debian installs it with {@code apt-get install chromium} (.ci/run).
 */
final class HeadlessChromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {
    }

    /** The DOM after {@code virtualMillis} of the page's own time. */
    static String dumpDom(String url, int virtualMillis) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", "--virtual-time-budget=" + virtualMillis, url));
    }

    /** A PNG of the page at 1280x900 after {@code virtualMillis}. */
    static void screenshot(String url, int virtualMillis, Path png) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=1280,900",
                "--virtual-time-budget=" + virtualMillis, url));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
    }

    private static String run(List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        Path out = Files.createTempFile("chromium", ".out");
        Path err = Files.createTempFile("chromium", ".err");
        try {
            List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + profile));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException("chromium still running after 90 s: " + Files.readString(err, StandardCharsets.UTF_8));
            }
            if (p.exitValue() != 0) {
                throw new IOException("chromium exited " + p.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            delete(profile);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
