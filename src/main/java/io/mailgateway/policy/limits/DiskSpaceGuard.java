package io.mailgateway.policy.limits;

import io.mailgateway.config.ConfigException;
import io.mailgateway.message.Mailbox;
import io.mailgateway.policy.Connection;
import io.mailgateway.policy.MailCheck;
import io.mailgateway.policy.Verdict;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses new mail with {@code 452 4.3.1} while the file system of DATA_DIR (broker journal,
 * spool, Maildir, SQLite) is nearly full, instead of accepting it into a journal that cannot grow:
 * Artemis stops itself on an I/O error of a full disk (AMQ222010) and does not come back, and it
 * blocks every send above its max-disk-usage (90 % in broker.xml), which would hang the sessions
 * whose messages are being written. So the guard's share must be below the broker's
 * ({@link #requireBeforeBroker}), and it is looked at twice per message: at MAIL FROM, and by the
 * listener again at the end of DATA, just before the broker write (a message can take minutes to
 * arrive). At most once a second; mail is taken again by itself once space returns. Mail already
 * accepted is not touched: it is in the journal, and its stores retry.
 */
public final class DiskSpaceGuard implements MailCheck {

    private static final Logger LOG = LoggerFactory.getLogger(DiskSpaceGuard.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;

    /** The file system's usable and total octets. */
    public interface Space {
        long usable() throws IOException;

        long total() throws IOException;
    }

    private final Space space;
    private final long minFree;
    private final int maxUsagePercent;
    private final LongSupplier nanoClock;
    // volatile: every event loop reads them at MAIL FROM and at end of data; only a look at the
    // file system (once a second) takes the lock
    private volatile long checkedAt;
    private volatile boolean full;
    private volatile boolean checked;

    public DiskSpaceGuard(Space space, long minFree, int maxUsagePercent, LongSupplier nanoClock) {
        this.space = space;
        this.minFree = minFree;
        this.maxUsagePercent = maxUsagePercent;
        this.nanoClock = nanoClock;
    }

    /** For DATA_DIR (created if missing), with DISK_MIN_FREE and DISK_MAX_USAGE. */
    public static DiskSpaceGuard of(Path dataDir, long minFree, int maxUsagePercent) throws IOException {
        Files.createDirectories(dataDir);
        FileStore store = Files.getFileStore(dataDir);
        return new DiskSpaceGuard(new Space() {
            @Override
            public long usable() throws IOException {
                return store.getUsableSpace();
            }

            @Override
            public long total() throws IOException {
                return store.getTotalSpace();
            }
        }, minFree, maxUsagePercent, System::nanoTime);
    }

    /**
     * A start-up check, before the broker starts: the guard must refuse new mail before the broker
     * blocks sends, or a message's write could hang. Artemis blocks at its min-disk-free when that
     * is set (it then ignores max-disk-usage), else at its max-disk-usage; so DISK_MIN_FREE must be
     * above the one, or DISK_MAX_USAGE below the other.
     *
     * @param brokerMaxDiskUsage broker.xml's max-disk-usage; -1 (off) or 100 block nothing before the disk is full
     * @param brokerMinDiskFree  broker.xml's min-disk-free in octets; -1 (Artemis' default) when not set
     */
    public static void requireBeforeBroker(int maxUsagePercent, long minFree, int brokerMaxDiskUsage, long brokerMinDiskFree) {
        if (brokerMinDiskFree >= 0) {
            if (minFree <= brokerMinDiskFree) {
                throw new ConfigException("DISK_MIN_FREE", minFree + " is not above the broker's min-disk-free ("
                        + brokerMinDiskFree + " octets in BROKER_CONFIG), where Artemis blocks every send and the sessions "
                        + "whose messages are being written would hang: set DISK_MIN_FREE above " + brokerMinDiskFree
                        + ", or remove min-disk-free from BROKER_CONFIG");
            }
            return; // Artemis then ignores max-disk-usage
        }
        if (brokerMaxDiskUsage >= 0 && brokerMaxDiskUsage < 100 && maxUsagePercent >= brokerMaxDiskUsage) {
            throw new ConfigException("DISK_MAX_USAGE", maxUsagePercent + " is not below the broker's max-disk-usage ("
                    + brokerMaxDiskUsage + " in BROKER_CONFIG), where Artemis blocks every send and the sessions "
                    + "whose messages are being written would hang: set DISK_MAX_USAGE below " + brokerMaxDiskUsage
                    + ", or raise max-disk-usage (-1 turns it off)");
        }
    }

    @Override
    public Verdict onMail(Connection client, Mailbox sender) {
        return isFull() ? Verdict.tempfail(LimitReplies.STORAGE_FULL, "DATA_DIR nearly full") : Verdict.accept();
    }

    /** Whether new mail is refused now (looked at most once a second). */
    public boolean isFull() {
        long now = nanoClock.getAsLong();
        if (checked && now - checkedAt < RECHECK_NANOS) {
            return full;
        }
        return recheck(now);
    }

    private synchronized boolean recheck(long now) {
        if (!checked || now - checkedAt >= RECHECK_NANOS) { // another thread may have looked meanwhile
            boolean was = full;
            boolean nowFull = measure();
            full = nowFull;
            checkedAt = now;
            checked = true;
            if (nowFull != was) {
                if (nowFull) {
                    LOG.warn("DATA_DIR is nearly full (less than DISK_MIN_FREE={} octets free or DISK_MAX_USAGE={}% used): new mail gets 452 4.3.1", minFree, maxUsagePercent);
                } else {
                    LOG.info("DATA_DIR has room again: new mail is accepted");
                }
            }
        }
        return full;
    }

    private boolean measure() {
        try {
            long usable = space.usable();
            long total = space.total();
            boolean tooLittle = usable < minFree;
            boolean tooMuchUsed = maxUsagePercent < 100 && total > 0 && (total - usable) * 100 >= (long) maxUsagePercent * total;
            return tooLittle || tooMuchUsed;
        } catch (IOException e) {
            LOG.warn("cannot read the free space of DATA_DIR: {}", e.toString());
            return false; // the broker write decides; do not refuse mail on a failed statfs
        }
    }
}
