package io.mailgateway.backup;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.config.GatewayConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's scheduled backups (BACKUP_ENABLED): one every BACKUP_INTERVAL, the first an
 * interval after the start, on a thread of their own; a failed one is logged and the next one
 * tries again. Lifecycle: {@link #start} after the broker started, {@link #close} before the
 * database pool and the broker stop (it interrupts a backup under way).
 */
public final class BackupSchedule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackupSchedule.class);
    private final ScheduledExecutorService timer;

    private BackupSchedule(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    public static BackupSchedule start(GatewayConfig config, AdminCredentials credentials) {
        Backup backup = new Backup(BackupParts.directory(config), config.getInt("BACKUP_RETENTION"), Clock.systemUTC());
        List<BackupPart> parts = BackupParts.ofRunningGateway(config, credentials);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "backup");
            t.setDaemon(true);
            return t;
        });
        Duration every = config.duration("BACKUP_INTERVAL");
        timer.scheduleWithFixedDelay(() -> runOnce(backup, parts), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("backups every {} into {}, the newest {} kept", every, BackupParts.directory(config), config.getInt("BACKUP_RETENTION"));
        return new BackupSchedule(timer);
    }

    private static void runOnce(Backup backup, List<BackupPart> parts) {
        try {
            Backup.Result r = backup.run(parts);
            LOG.info("backup {} done: {}; {} old backup(s) removed", r.dir(), String.join("; ", r.lines()), r.removed().size());
        } catch (Backup.Busy e) {
            LOG.warn("backup skipped (the next one runs at its time): {}", e.getMessage());
        } catch (Exception e) {
            LOG.warn("backup failed (the next one tries again): {}", e.toString());
        }
    }

    /**
     * Stops a backup under way rather than waiting for it: a stop must end within the 30 s a
     * service manager gives it (systemd then kills), and an unfinished backup is only a
     * {@code .partial} directory, removed by the next one; the journal holds the mail.
     */
    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("a backup under way did not stop within 10 s; the gateway stops anyway (its .partial directory is removed by the next backup)");
        }
    }
}
