package io.mailgateway.config;

import static io.mailgateway.config.Setting.any;
import static io.mailgateway.config.Setting.bool;
import static io.mailgateway.config.Setting.domainList;
import static io.mailgateway.config.Setting.domainOrAddressLiteral;
import static io.mailgateway.config.Setting.hostname;
import static io.mailgateway.config.Setting.integer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Every configuration key the gateway reads: the core keys below, then those each capability
 * declares in its own {@link SettingGroup} (found through META-INF/services, in the order listed
 * there). docs/configuration.md lists the same.
 */
public final class Settings {

    private Settings() {
    }

    /** Keys of the gateway as a whole: where its data, routes and broker configuration live, and who it is. */
    static final List<Setting> CORE = List.of(
            new Setting("CONFIG_FILE", null,
                    "Optional smtp.env-style file of KEY=VALUE lines; environment variables win over it.", any()),
            new Setting("DATA_DIR", "./data",
                    "Where the broker journal, spool files and the Maildir live.", any()),
            new Setting("BIND_ADDRESS", "127.0.0.1",
                    "Address the SMTP listener binds to (0.0.0.0 for all interfaces in production).", hostname()),
            new Setting("SMTP_HOSTNAME", "",
                    "Name in the greeting, EHLO reply and Received header, and in the EHLO the delivery client sends: a domain name or an address literal ([192.0.2.1]); empty means this machine's host name.", domainOrAddressLiteral("this machine's host name")),
            new Setting("LOCAL_DOMAINS", "localhost,example.com",
                    "Comma-separated domains accepted without authentication; any other recipient domain gets 550 5.7.1 (no open relay). The first one receives mail for a bare <postmaster>.", domainList()),
            new Setting("STORAGE_TYPE", "maildir,sql",
                    "Comma-separated stores that receive every accepted message; each NAME needs a route file store-NAME.camel.yaml and gets its own durable queue store.NAME.", any()),
            new Setting("ROUTES_DIR", "",
                    "Directory of the *.camel.yaml routes; empty means ./routes if it exists, else the routes packaged in the jar. Any fetch-*.camel.yaml there is loaded too (an optional fetch route, docs/security.md).", any()),
            new Setting("ROUTES_RELOAD", "false",
                    "Reload a route file live when it changes; a broken file is refused (logged with line and column) and the last good version keeps serving. Only for route files on disk (ROUTES_DIR or ./routes): with the packaged routes it does nothing, and the startup log warns so.", bool()),
            new Setting("BROKER_CONFIG", "",
                    "Artemis broker.xml; empty means ./broker/broker.xml if it exists, else the packaged one (copied to $DATA_DIR/broker/packaged-broker.xml).", any()),
            new Setting("SHUTDOWN_TIMEOUT", "25",
                    "Seconds a stop (SIGTERM) waits for messages in flight before closing.", integer(1, 600)),
            new Setting("LOG_LEVEL", "INFO",
                    "Level of the gateway's own log lines: ERROR, WARN, INFO (one line per accepted message), DEBUG or TRACE.",
                    v -> v.matches("(?i)ERROR|WARN|INFO|DEBUG|TRACE") ? null : "must be ERROR, WARN, INFO, DEBUG or TRACE, got '" + v + "'"),
            new Setting("LOG_FORMAT", "text",
                    "text: one human-readable line per event; json: one JSON object per line for a log shipper (@timestamp, level, logger, thread, message, MDC fields, error.*; see observability.md).",
                    v -> v.matches("text|json") ? null : "must be text or json, got '" + v + "'"));

    public static final List<Setting> ALL = all();

    private static List<Setting> all() {
        List<Setting> all = new ArrayList<>(CORE);
        for (SettingGroup group : ServiceLoader.load(SettingGroup.class, Settings.class.getClassLoader())) {
            all.addAll(group.settings());
        }
        Set<String> seen = new HashSet<>();
        for (Setting s : all) {
            if (!seen.add(s.key())) {
                throw new IllegalStateException("configuration key " + s.key() + " declared twice");
            }
        }
        return List.copyOf(all);
    }
}
