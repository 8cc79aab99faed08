package io.mailgateway.store;

import static io.mailgateway.config.Setting.any;
import static io.mailgateway.config.Setting.bool;
import static io.mailgateway.config.Setting.duration;
import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/**
 * The stores' keys: consumers per store queue, the SQL store (SQLite or PostgreSQL, batches,
 * blobs), S3, memory (docs/storage.md). Each key: default, meaning (copied into
 * docs/configuration.md) and check.
 */
public final class StoreKeys implements SettingGroup {

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("STORE_CONSUMERS", "4",
                        "Concurrent consumers per store queue (each takes its own batches on a storeBatch route).", integer(1, 256)),
                new Setting("STORE_NICE", "10",
                        "How much lower than acceptance's the stores' CPU priority is: the Maildir and SQL stores (storeBatch routes) write on threads whose nice value is the gateway's plus this (Linux; at most 19); the threads that talk to the broker keep the gateway's. When both want the CPU, a client's reply comes first and the store work a moment later; idle cores still go to the stores, and STORE_BACKLOG_LIMIT bounds how far they can fall behind. 0 = the same priority.", integer(0, 19)),
                new Setting("STORE_BATCH_WAIT", "10ms",
                        "Stores on storeBatch routes (maildir, sql): longest wait, after a batch's first message, for more messages to fill it (up to STORAGE_BATCH_SIZE); 0 = only those already at hand. ms, s.", duration()),
                new Setting("STORE_BACKLOG_LIMIT", "20000",
                        "Inflow control (as Postfix's in_flow_delay): while a store queue holds this many messages or more, each new message waits before its durable write until the stores are back under it, at most IN_FLOW_DELAY, so a load the stores cannot keep up with slows acceptance instead of growing the queue without end. A store that is down keeps its queue over the limit: each message then waits IN_FLOW_DELAY. 0 = off.", integer(0, 100_000_000)),
                new Setting("IN_FLOW_DELAY", "1s",
                        "Longest wait of one message under inflow control (STORE_BACKLOG_LIMIT); the client waits for its reply meanwhile. 0 = off. ms, s.", duration()),
                new Setting("MAILDIR_SYNC", "filesystem",
                        "How the Maildir store makes a batch durable: filesystem = write the batch's files, one syncfs(2) of the Maildir's file system, rename them into new/, a second syncfs (Linux 5.8 or later; elsewhere, or for a mailbox mounted from another file system, it falls back to file); file = an fsync per file and per new/ directory (choose it when DATA_DIR shares its file system with heavy writers whose data a syncfs would have to flush too).",
                        v -> v.matches("filesystem|file") ? null : "must be filesystem or file, got '" + v + "'"),
                new Setting("DB_URL", "",
                        "JDBC URL of the SQL store's database, e.g. jdbc:postgresql://127.0.0.1:5432/mail; empty means SQLite in $DATA_DIR/gateway.db. Anything but empty, jdbc:sqlite:... or jdbc:postgresql:... is refused at start (the error shows the scheme only, never the rest of the URL).", StoreKeys::dbUrl),
                new Setting("DB_USER", "",
                        "Database user for DB_URL.", any()),
                new Setting("DB_PASSWORD", "",
                        "Database password for DB_URL.", any()),
                new Setting("DB_POOL_SIZE", "10",
                        "Connections in the SQL store's HikariCP pool (SQLite always uses one writer).", integer(1, 1000)),
                new Setting("SQLITE_VACUUM_INTERVAL", "1h",
                        "SQLite: how often PRAGMA incremental_vacuum gives the pages of deleted rows back to the file system (ms, s, m, h, d; 0 = never).", duration()),
                new Setting("SQLITE_OPTIMIZE_INTERVAL", "24h",
                        "SQLite: how often PRAGMA optimize refreshes the query planner's statistics (also run when the gateway stops; 0 = only then).", duration()),
                new Setting("STORAGE_BATCH_INSERT", "true",
                        "SQL store: insert messages in batches, one transaction per batch; the broker acks only after the commit.", bool()),
                new Setting("STORAGE_BATCH_SIZE", "100",
                        "Most messages per batch: per broker transaction and store transaction of a storeBatch route (maildir, sql), and per SQL group commit.", integer(1, 10_000)),
                new Setting("STORAGE_BATCH_TIMEOUT", "30s",
                        "SQL store: longest wait for a message's batch to commit; past it the store fails that message and the broker redelivers it. With PostgreSQL also the socket read timeout (pgjdbc socketTimeout, unless DB_URL sets one), so a database that stops answering fails the batch instead of holding a consumer for good. Seconds or a number with ms, s, m.", StoreKeys::positiveDuration),
                new Setting("SQL_INLINE_BODY_LIMIT", "262144",
                        "SQL store: bodies up to this many octets are kept in the row; larger ones go to the blob store and the row keeps a reference.", integer(0, 1_073_741_824)),
                new Setting("BLOB_STORE", "file",
                        "Where the SQL store keeps large bodies: file ($DATA_DIR/blobs/yyyy/mm/dd/QUEUEID.eml, fsynced) or s3 (object S3_PREFIX/blobs/yyyy/mm/dd/QUEUEID.eml in S3_BUCKET, same S3_* settings and credentials as the S3 store, bucket created if missing).",
                        v -> v.matches("file|s3") ? null : "must be file or s3, got '" + v + "'"),
                new Setting("S3_BUCKET", "mail-gateway",
                        "S3 store: bucket name (created if missing).", any()),
                new Setting("S3_ENDPOINT", "",
                        "S3 store: endpoint URL of any S3-compatible server (path-style access), e.g. http://127.0.0.1:9000; empty means AWS.", any()),
                new Setting("S3_REGION", "us-east-1",
                        "S3 store: region.", any()),
                new Setting("S3_PREFIX", "mail",
                        "S3 store: key prefix; objects are PREFIX/yyyy/mm/dd/QUEUEID.eml. Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.", any()),
                new Setting("AWS_ACCESS_KEY_ID", "",
                        "S3 store: access key; empty means the AWS SDK's default credentials chain (environment, aws.accessKeyId system property, ~/.aws, instance role).", any()),
                new Setting("AWS_SECRET_ACCESS_KEY", "",
                        "S3 store: secret key, used together with AWS_ACCESS_KEY_ID.", any()),
                new Setting("MEMORY_STORE_MAX_MESSAGES", "10000",
                        "Memory store (not durable): most messages kept; the oldest are dropped first.", integer(1, 10_000_000)));
    }

    /** The start of a URL up to its scheme(s), e.g. "jdbc:postgres:": what an error may show of it. */
    private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:([A-Za-z][A-Za-z0-9+.-]*:)?");

    /**
     * The drivers the gateway ships: a typo (jdbc:postgres:) used to pass and fail later in
     * HikariCP with a message carrying the whole URL, password included. The error shows the
     * scheme only.
     */
    static String dbUrl(String v) {
        if (v.isEmpty() || v.startsWith("jdbc:sqlite:") || v.startsWith("jdbc:postgresql:")) {
            return null;
        }
        java.util.regex.Matcher scheme = SCHEME.matcher(v);
        return "must be empty (SQLite in $DATA_DIR/gateway.db), jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DATABASE; got "
                + (scheme.find() ? "a URL beginning '" + scheme.group() + "'" : "something else") + " (the rest not shown)";
    }

    private static String positiveDuration(String v) {
        String problem = duration().apply(v);
        if (problem == null && v.trim().matches("0+(\\.0+)?\\s*[a-z]*")) {
            problem = "must be more than 0, got " + v;
        }
        return problem;
    }
}
