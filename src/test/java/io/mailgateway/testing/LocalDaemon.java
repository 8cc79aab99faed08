package io.mailgateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** What the tests' own daemons (rspamd, clamd) share: a free loopback port, and waiting until one answers. */
public final class LocalDaemon {

    private LocalDaemon() {
    }

    /** One readiness probe: true when the daemon answered as it should; an IOException means "not yet". */
    interface Probe {
        boolean ready() throws IOException, InterruptedException;
    }

    /** A loopback port free right now, outside the ephemeral range ({@link FreePorts}). */
    public static int freePort() {
        return FreePorts.next();
    }

    /** Probes until ready; fails with the daemon's log if it exits first or is not ready within {@code limit}. */
    static void awaitReady(String name, Process process, Path log, Duration limit, Probe probe)
            throws IOException, InterruptedException {
        Instant end = Instant.now().plus(limit);
        while (Instant.now().isBefore(end)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited: " + Files.readString(log));
            }
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        throw new IllegalStateException(name + " did not answer within " + limit + ": " + Files.readString(log));
    }
}
