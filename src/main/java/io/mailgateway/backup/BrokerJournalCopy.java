package io.mailgateway.backup;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.broker.JournalLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The broker's files ($DATA_DIR/broker: journal, bindings, paging, large messages) copied as they
 * are, which is a faithful backup only while no broker writes them: so only when this process gets
 * the {@link JournalLock} a running gateway's broker holds (and, while we hold it, a gateway
 * started meanwhile refuses to start). Restored by copying the directory back with the gateway stopped.
 */
final class BrokerJournalCopy {

    static final String DIR_NAME = "broker-journal";

    private BrokerJournalCopy() {
    }

    /** Copies the files if no broker runs on them; returns the summary, or null when a broker holds them. */
    static String copyIfStopped(Path brokerDir, Path backupDir) throws IOException {
        Path journal = brokerDir.resolve("journal");
        if (!Files.isDirectory(journal)) {
            return "broker: no journal in " + brokerDir + " yet (the gateway never ran here), nothing copied";
        }
        JournalLock lock = JournalLock.tryAcquire(brokerDir.getParent());
        if (lock == null) {
            return null;
        }
        try (lock) {
            long[] copied = copyTree(brokerDir, backupDir.resolve(DIR_NAME));
            return "broker: gateway stopped, journal files copied as they are (" + copied[0] + " files, " + copied[1] + " bytes)";
        }
    }

    private static long[] copyTree(Path from, Path to) throws IOException {
        long[] counts = new long[2];
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String name = p.getFileName().toString();
                // The lock is ours now; the credentials are a secret the gateway makes anew when missing.
                if (name.equals("journal.lock") || p.equals(AdminCredentials.file(from.getParent()))) {
                    continue;
                }
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                    counts[0]++;
                    counts[1] += Files.size(target);
                }
            }
        }
        return counts;
    }
}
