package io.mailgateway.backup;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.store.sql.GatewayDatabase;
import java.nio.file.Path;
import java.util.List;

/** What a backup holds, inside the running gateway and from the {@code backup now} command. */
public final class BackupParts {

    private BackupParts() {
    }

    /** BACKUP_DIR, or $DATA_DIR/backups. */
    public static Path directory(GatewayConfig config) {
        return config.get("BACKUP_DIR").isEmpty() ? config.dataDir().resolve("backups") : Path.of(config.get("BACKUP_DIR")).toAbsolutePath();
    }

    /** Inside the gateway: the database, and the queues browsed through the broker's in-VM acceptor. */
    public static List<BackupPart> ofRunningGateway(GatewayConfig config, AdminCredentials credentials) {
        return List.of(database(config), new BrokerExport(EmbeddedBroker.IN_VM_URL, credentials));
    }

    /**
     * From the command: the database (online either way), and the broker's files as they are when
     * no gateway runs on this DATA_DIR; else its queues browsed over the administrative port.
     */
    public static List<BackupPart> ofCommand(GatewayConfig config) {
        Path dataDir = config.dataDir();
        int port = config.getInt("BROKER_PORT");
        BackupPart broker = dir -> {
            String copied = BrokerJournalCopy.copyIfStopped(dataDir.resolve("broker"), dir);
            if (copied != null) {
                return copied;
            }
            if (port <= 0) {
                return "broker: the gateway is running with BROKER_PORT=0 (no administrative port): its queues are not"
                        + " exported by this command; its own scheduled backups (BACKUP_ENABLED) export them";
            }
            return new BrokerExport("tcp://" + EmbeddedBroker.ADMIN_HOST + ":" + port
                    + "?initialConnectAttempts=1&reconnectAttempts=0", AdminCredentials.read(dataDir)).writeInto(dir);
        };
        return List.of(database(config), broker);
    }

    private static BackupPart database(GatewayConfig config) {
        Path file = GatewayDatabase.sqliteFile(config);
        if (file == null) {
            return dir -> "database: " + (GatewayDatabase.isSqlite(config) ? "an SQLite URL without a plain file path" : "not SQLite (DB_URL)")
                    + ", not copied here: back it up with its own tools (pg_dump for PostgreSQL)";
        }
        return new SqliteBackup(file);
    }
}
