package io.mailgateway.cli;

import io.mailgateway.backup.Backup;
import io.mailgateway.backup.BackupParts;
import io.mailgateway.config.EffectiveConfig;
import io.mailgateway.config.GatewayConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * {@code backup now}: one backup as the scheduled ones make (BACKUP_DIR, BACKUP_RETENTION; see
 * {@link Backup}), whether or not the gateway runs: the SQLite database is copied online either
 * way; the broker's journal files are copied when no gateway runs on DATA_DIR, else its queues are
 * exported by browsing them over the administrative port (docs/storage.md, "Backups").
 *
 * <p>Exit status: 0 done (its directory and a line per part on stdout), 1 failed (nothing kept),
 * 2 usage error.
 */
final class BackupCommand {

    static final String USAGE = "usage: java -jar mail-gateway.jar backup now   (into BACKUP_DIR, default $DATA_DIR/backups)";

    private BackupCommand() {
    }

    static int run(List<String> args, GatewayConfig config, PrintStream out, PrintStream err) {
        if (!args.equals(List.of("now"))) {
            err.println(USAGE);
            return 2;
        }
        Path dir = BackupParts.directory(config);
        try {
            Backup.Result r = new Backup(dir, config.getInt("BACKUP_RETENTION"), Clock.systemUTC()).run(BackupParts.ofCommand(config));
            out.println("backup " + r.dir());
            r.lines().forEach(line -> out.println("  " + line));
            out.println("kept the newest " + config.getInt("BACKUP_RETENTION") + " backup(s) in " + dir + "; removed " + r.removed().size());
            return 0;
        } catch (Backup.Busy e) {
            err.println("backup not started: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("backup failed, nothing kept: " + EffectiveConfig.maskSecrets(e.toString()));
            return 1;
        }
    }
}
