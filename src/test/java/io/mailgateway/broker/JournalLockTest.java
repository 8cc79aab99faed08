package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused second attempt in the same JVM must not free the lock: on Linux (POSIX fcntl locks)
 * closing any descriptor of the file drops the process's lock, and another process (a backup)
 * would then copy a journal the broker still writes.
 */
class JournalLockTest {

    @TempDir
    Path dir;

    /** Exit 0 when another process could take an fcntl write lock on the file. */
    private static int otherProcessLocks(Path file) throws Exception {
        Process p = new ProcessBuilder("python3", "-c",
                "import fcntl,sys\nf=open(sys.argv[1],'r+')\ntry:\n fcntl.lockf(f, fcntl.LOCK_EX|fcntl.LOCK_NB)\nexcept OSError:\n sys.exit(1)\nsys.exit(0)",
                file.toString()).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void should_stay_held_after_a_refused_second_attempt_in_the_same_process() throws Exception {
        Path file = dir.resolve("broker").resolve("journal.lock");
        try (JournalLock held = JournalLock.tryAcquire(dir)) {
            assertThat(held).isNotNull();
            assertThat(otherProcessLocks(file)).as("another process, while the broker holds the lock").isEqualTo(1);
            assertThat(JournalLock.tryAcquire(dir)).isNull(); // e.g. a second gateway/backup in this JVM: refused
            assertThat(otherProcessLocks(file)).as("another process, after a refused attempt in this JVM").isEqualTo(1);
        }
        assertThat(otherProcessLocks(file)).as("another process, once released").isZero();
        try (JournalLock again = JournalLock.tryAcquire(dir)) {
            assertThat(again).as("this JVM, once released").isNotNull();
        }
    }
}
