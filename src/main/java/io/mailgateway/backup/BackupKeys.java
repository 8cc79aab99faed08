package io.mailgateway.backup;

import static io.mailgateway.config.Setting.any;
import static io.mailgateway.config.Setting.bool;
import static io.mailgateway.config.Setting.duration;
import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/** The scheduled backups' keys (docs/storage.md, "Backups"). */
public final class BackupKeys implements SettingGroup {

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("BACKUP_ENABLED", "false",
                        "Back up the SQLite database (online copy) and the broker's queues every BACKUP_INTERVAL into BACKUP_DIR/<UTC time>/; `java -jar mail-gateway.jar backup now` makes one at any time.", bool()),
                new Setting("BACKUP_INTERVAL", "24h",
                        "Time between two scheduled backups, the first one an interval after the start (ms, s, m, h, d).",
                        v -> duration().apply(v) != null ? duration().apply(v)
                                : v.trim().matches("0+(\\.0+)?\\s*[a-z]*") ? "must be more than 0, got " + v : null),
                new Setting("BACKUP_RETENTION", "7",
                        "How many complete backups to keep (a count, not days: the newest N stay, older ones are deleted after each successful backup).", integer(1, 10_000)),
                new Setting("BACKUP_DIR", "",
                        "Where backups go; empty means $DATA_DIR/backups.", any()));
    }
}
