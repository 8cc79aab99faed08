package io.mailgateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: a real rspamd ({@link RspamdProcess}) and a real clamd ({@link ClamdProcess})
 * on loopback for one test class, started at once (rspamd takes about 10 s) before its tests and
 * stopped after them. Register it as {@code @RegisterExtension static final ScanEngines ENGINES = new ScanEngines();}.
 * A test may stop an engine early (to see the fail action); stopping twice is harmless.
 */
public final class ScanEngines implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private RspamdProcess rspamd;
    private ClamdProcess clamd;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("scan-engines");
        CompletableFuture<RspamdProcess> r = CompletableFuture.supplyAsync(() -> start(() -> RspamdProcess.start(dir.resolve("rspamd"))));
        CompletableFuture<ClamdProcess> c = CompletableFuture.supplyAsync(() -> start(() -> ClamdProcess.start(dir.resolve("clamd"))));
        try {
            rspamd = r.join();
        } finally {
            clamd = c.join();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (rspamd != null) {
                rspamd.stop();
            }
            if (clamd != null) {
                clamd.stop();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public RspamdProcess rspamd() {
        return rspamd;
    }

    public ClamdProcess clamd() {
        return clamd;
    }

    private interface Starter<T> {
        T start() throws Exception;
    }

    private static <T> T start(Starter<T> starter) {
        try {
            return starter.start();
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
