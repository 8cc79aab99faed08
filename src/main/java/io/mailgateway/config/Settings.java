package io.mailgateway.config;

import static io.mailgateway.config.Setting.any;
import static io.mailgateway.config.Setting.bool;
import static io.mailgateway.config.Setting.domainList;
import static io.mailgateway.config.Setting.hostname;
import static io.mailgateway.config.Setting.integer;

import java.util.List;

/** Every configuration key the gateway reads. docs/configuration.md lists the same, in this order. */
public final class Settings {

    private Settings() {
    }

    public static final List<Setting> ALL = List.of(
            new Setting("CONFIG_FILE", null,
                    "Optional smtp.env-style file of KEY=VALUE lines; environment variables win over it.", any()),
            new Setting("DATA_DIR", "./data",
                    "Where the broker journal, spool files and the Maildir live.", any()),
            new Setting("BIND_ADDRESS", "127.0.0.1",
                    "Address the SMTP listener binds to (0.0.0.0 for all interfaces in production).", hostname()),
            new Setting("SMTP_PORT", "2525",
                    "SMTP (MX) listener port; 0 picks a free port.", integer(0, 65535)),
            new Setting("SMTP_HOSTNAME", "",
                    "Name in the greeting, EHLO reply and Received header; empty means this machine's host name.", any()),
            new Setting("LOCAL_DOMAINS", "localhost,example.com",
                    "Comma-separated domains accepted without authentication; any other recipient domain gets 550 5.7.1 (no open relay). The first one receives mail for a bare <postmaster>.", domainList()),
            new Setting("SMTP_MAX_MESSAGE_SIZE", "52428800",
                    "Largest message in octets; advertised as SIZE, enforced on MAIL SIZE= and while streaming (552 5.3.4).", integer(1024, 4_294_967_295L)),
            new Setting("SMTP_MAX_RECIPIENTS", "100",
                    "Recipients per message; more get 452 4.5.3.", integer(1, 100_000)),
            new Setting("SMTP_MAX_ERRORS", "10",
                    "Protocol errors (5xx replies) allowed in one session before 421 4.7.0 and close.", integer(1, 1000)),
            new Setting("SMTP_GREETING_DELAY", "0",
                    "Milliseconds to wait before the 220 greeting; a client that talks first is refused (554 5.5.1). 0 sends the greeting at once.", integer(0, 60_000)),
            new Setting("IDLE_TIMEOUT", "300",
                    "Seconds without input before a session gets 421 4.4.2 and is closed (RFC 5321 4.5.3.2 suggests 5 minutes).", integer(1, 86_400)),
            new Setting("CONNECTION_TIMEOUT", "1800",
                    "Longest life of one SMTP session in seconds, whatever it does; then 421 4.4.2.", integer(1, 86_400)),
            new Setting("SPOOL_THRESHOLD", "262144",
                    "Octets of a message kept in memory; past this the message spools to $DATA_DIR/spool.", integer(1024, 64 * 1024 * 1024)),
            new Setting("WORKER_THREADS", "200",
                    "Threads that make accepted messages durable in the broker; concurrent writes share journal syncs (group commit).", integer(1, 4096)),
            new Setting("IO_THREADS", "0",
                    "Netty event loop threads for SMTP sessions; 0 means two per CPU core.", integer(0, 1024)),
            new Setting("LISTEN_BACKLOG", "1024",
                    "TCP accept backlog of the SMTP listener.", integer(1, 65535)),
            new Setting("TCP_NODELAY", "true",
                    "Disable Nagle's algorithm on SMTP sessions (replies go out at once).", bool()),
            new Setting("TCP_KEEPALIVE", "true",
                    "TCP keep-alive on SMTP sessions, so dead peers are noticed.", bool()),
            new Setting("STORAGE_TYPE", "maildir,sql",
                    "Comma-separated stores that receive every accepted message; each NAME needs a route file store-NAME.camel.yaml and gets its own durable queue store.NAME.", any()),
            new Setting("STORE_CONSUMERS", "4",
                    "Concurrent consumers per store queue.", integer(1, 256)),
            new Setting("DB_URL", "",
                    "JDBC URL of the SQL store's database, e.g. jdbc:postgresql://127.0.0.1:5432/mail; empty means SQLite in $DATA_DIR/gateway.db.", any()),
            new Setting("DB_USER", "",
                    "Database user for DB_URL.", any()),
            new Setting("DB_PASSWORD", "",
                    "Database password for DB_URL.", any()),
            new Setting("DB_POOL_SIZE", "10",
                    "Connections in the SQL store's HikariCP pool (SQLite always uses one writer).", integer(1, 1000)),
            new Setting("STORAGE_BATCH_INSERT", "true",
                    "SQL store: insert messages in batches, one transaction per batch; the broker acks only after the commit.", bool()),
            new Setting("STORAGE_BATCH_SIZE", "100",
                    "SQL store: most messages per batch transaction.", integer(1, 10_000)),
            new Setting("SQL_INLINE_BODY_LIMIT", "262144",
                    "SQL store: bodies up to this many octets are kept in the row; larger ones go to the blob store and the row keeps a reference.", integer(0, 1_073_741_824)),
            new Setting("BLOB_STORE", "file",
                    "Where the SQL store keeps large bodies: file ($DATA_DIR/blobs/yyyy/mm/dd/QUEUEID.eml, fsynced). s3 is reserved and refused at startup for now.",
                    v -> v.matches("file|s3") ? null : "must be file or s3, got '" + v + "'"),
            new Setting("S3_BUCKET", "mail-gateway",
                    "S3 store: bucket name (created if missing).", any()),
            new Setting("S3_ENDPOINT", "",
                    "S3 store: endpoint URL of any S3-compatible server (path-style access), e.g. http://127.0.0.1:9000; empty means AWS.", any()),
            new Setting("S3_REGION", "us-east-1",
                    "S3 store: region.", any()),
            new Setting("S3_PREFIX", "mail",
                    "S3 store: key prefix; objects are PREFIX/yyyy/mm/dd/QUEUEID.eml. Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.", any()),
            new Setting("MEMORY_STORE_MAX_MESSAGES", "10000",
                    "Memory store (not durable): most messages kept; the oldest are dropped first.", integer(1, 10_000_000)),
            new Setting("ROUTES_DIR", "",
                    "Directory of the *.camel.yaml routes; empty means ./routes if it exists, else the routes packaged in the jar.", any()),
            new Setting("ROUTES_RELOAD", "false",
                    "Reload a route file live when it changes; a broken file is refused (logged with line and column) and the last good version keeps serving.", bool()),
            new Setting("BROKER_CONFIG", "",
                    "Artemis broker.xml; empty means ./broker/broker.xml if it exists, else the packaged one (copied to $DATA_DIR/broker/packaged-broker.xml).", any()),
            new Setting("SHUTDOWN_TIMEOUT", "25",
                    "Seconds a stop (SIGTERM) waits for messages in flight before closing.", integer(1, 600)),
            new Setting("LOG_LEVEL", "INFO",
                    "Level of the gateway's own log lines: ERROR, WARN, INFO (one line per accepted message), DEBUG or TRACE.",
                    v -> v.matches("(?i)ERROR|WARN|INFO|DEBUG|TRACE") ? null : "must be ERROR, WARN, INFO, DEBUG or TRACE, got '" + v + "'"));
}
