package io.mailgateway.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SMTP performance-tuning guide's configuration vocabulary, and what each of its keys means
 * here. Operators copy the guide's {@code smtp.env} profiles; every key in them must do what the
 * guide says or say why it cannot, never be dropped silently. A guide key is one of:
 * <ul>
 * <li>honoured: a key of {@link Settings#ALL} under the same name, with the guide's meaning;</li>
 * <li>an {@link Alias}: the guide's name for a key we call otherwise (or a part of one, such as
 * {@code DB_HOST} of {@code DB_URL}); the value is translated and the startup log says so;</li>
 * <li>{@link #NOT_APPLICABLE}: a knob of another runtime's allocator or I/O, accepted and logged
 * once at startup with the reason and what to use on the JVM instead.</li>
 * </ul>
 * docs/configuration.md has the same table; TuningGuideTest keeps both in step and checks that no
 * guide key is missing.
 */
public final class TuningGuide {

    private TuningGuide() {
    }

    /** Every key the guide names, in the guide's order of sections. */
    public static final List<String> KEYS = List.of(
            // server and message
            "SMTP_PORT", "SMTP_HOSTNAME", "BIND_ADDRESS", "SMTP_MAX_MESSAGE_SIZE", "SMTP_MAX_RECIPIENTS",
            "PIPELINE_MAX_COMMANDS", "BDAT_CHUNK_SIZE",
            // connections
            "MAX_CONNECTIONS", "MAX_CONNECTIONS_PER_IP", "CONNECTION_TIMEOUT", "IDLE_TIMEOUT", "TCP_NODELAY",
            "TCP_KEEPALIVE", "TCP_KEEPALIVE_IDLE", "TCP_KEEPALIVE_INTERVAL", "TCP_KEEPALIVE_COUNT", "LISTEN_BACKLOG",
            "SOCKET_RECV_BUFFER", "SOCKET_SEND_BUFFER",
            // threads
            "WORKER_THREADS", "IO_THREADS", "QUEUE_WORKER_THREADS", "THREAD_STACK_SIZE",
            // memory and I/O of a native runtime
            "MEMORY_POOL_ENABLED", "MEMORY_POOL_SIZE", "BUFFER_POOL_SIZE", "BUFFER_POOL_COUNT", "ARENA_SIZE",
            "ARENA_COUNT", "USE_HUGE_PAGES", "IO_URING_ENABLED", "IO_URING_QUEUE_DEPTH", "IO_URING_SQPOLL",
            // rate limits
            "RATE_LIMIT_ENABLED", "RATE_LIMIT_PER_MINUTE", "RATE_LIMIT_BURST", "RATE_LIMIT_CLEANUP_INTERVAL",
            "RATE_LIMIT_WHITELIST",
            // queue
            "QUEUE_ENABLED", "QUEUE_MAX_RETRIES", "QUEUE_INITIAL_RETRY_DELAY", "QUEUE_RETRY_BACKOFF",
            "QUEUE_MAX_RETRY_DELAY", "QUEUE_MAX_AGE", "QUEUE_PARALLEL_DELIVERY", "QUEUE_PARALLEL_WORKERS",
            // checks
            "SPF_CHECK_ENABLED", "DKIM_VERIFY_ENABLED", "DMARC_CHECK_ENABLED", "GREYLIST_ENABLED", "GREYLIST_DELAY",
            "SPAM_CHECK_ENABLED", "SPAM_THRESHOLD", "VIRUS_SCAN_ENABLED",
            // caches
            "DNS_CACHE_ENABLED", "DNS_CACHE_TTL", "DNS_CACHE_SIZE", "SPF_CACHE_ENABLED", "SPF_CACHE_TTL",
            "SPF_CACHE_SIZE", "DKIM_CACHE_ENABLED", "DKIM_CACHE_TTL", "DKIM_CACHE_SIZE", "USER_CACHE_ENABLED",
            "USER_CACHE_TTL", "USER_CACHE_SIZE", "CACHE_BACKEND", "REDIS_HOST", "REDIS_PORT", "REDIS_DB",
            "REDIS_POOL_SIZE",
            // storage
            "STORAGE_TYPE", "STORAGE_BATCH_INSERT", "STORAGE_BATCH_SIZE", "DATA_DIR", "DB_HOST", "DB_PORT",
            "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_POOL_SIZE",
            "BACKUP_ENABLED", "BACKUP_INTERVAL", "BACKUP_RETENTION", "BACKUP_DIR",
            // relay
            "RELAY_HOST", "RELAY_CONNECTION_POOL_SIZE", "RELAY_CONNECTION_IDLE_TIMEOUT",
            // TLS and monitoring
            "TLS_ENABLED", "TLS_CERT_FILE", "TLS_KEY_FILE", "METRICS_ENABLED", "METRICS_PORT", "LOG_LEVEL",
            "LOG_FORMAT");

    /**
     * The guide's name for (part of) one of our keys. {@code translate} gets the guide key's value
     * and every value given in the same place (environment, CONFIG_FILE, ...) and returns the
     * value of {@code ourKey}, or null when this value leaves our key alone (e.g.
     * {@code DNS_CACHE_ENABLED=true}: the cache is on by default).
     */
    public record Alias(String guideKey, String ourKey, String meaning, Translation translate) {
    }

    @FunctionalInterface
    public interface Translation {
        String apply(String value, Map<String, String> sameSource);
    }

    public static final List<Alias> ALIASES = List.of(
            same("DNS_CACHE_TTL", "DNS_CACHE_MAX_TTL"),
            same("DNS_CACHE_SIZE", "DNS_CACHE_MAX_ENTRIES"),
            new Alias("DNS_CACHE_ENABLED", "DNS_CACHE_MAX_ENTRIES", "false turns the DNS cache off (DNS_CACHE_MAX_ENTRIES=0); true keeps it on; anything else is refused",
                    onlyWhenFalse("DNS_CACHE_ENABLED", "0")),
            same("SPF_CACHE_SIZE", "SPF_CACHE_MAX_ENTRIES"),
            same("DKIM_CACHE_SIZE", "DKIM_CACHE_MAX_ENTRIES"),
            same("RELAY_CONNECTION_IDLE_TIMEOUT", "RELAY_CONNECTION_IDLE_TIME"),
            new Alias("IO_THREADS", "WORKER_THREADS",
                    "the same pool as WORKER_THREADS: here the I/O threads are the workers (Netty's event loops parse, unstuff, spool and run TLS); WORKER_THREADS wins when both are set",
                    (v, all) -> v),
            new Alias("QUEUE_PARALLEL_DELIVERY", "QUEUE_PARALLEL_WORKERS",
                    "true keeps parallel delivery (QUEUE_PARALLEL_WORKERS), false tries next hops one at a time (QUEUE_PARALLEL_WORKERS=1), a number sets QUEUE_PARALLEL_WORKERS",
                    (v, all) -> v.equalsIgnoreCase("false") ? "1" : v.equalsIgnoreCase("true") ? null : v),
            new Alias("METRICS_ENABLED", "METRICS_PORT", "false turns /metrics off (METRICS_PORT=-1); true keeps it on METRICS_PORT; anything else is refused",
                    onlyWhenFalse("METRICS_ENABLED", "-1")),
            new Alias("DB_HOST", "DB_URL", "with DB_PORT (5432) and DB_NAME (mailgateway): DB_URL=jdbc:postgresql://DB_HOST:DB_PORT/DB_NAME",
                    (v, all) -> v.isEmpty() ? null : "jdbc:postgresql://" + v + ":" + all.getOrDefault("DB_PORT", "5432")
                            + "/" + all.getOrDefault("DB_NAME", "mailgateway")),
            new Alias("DB_PORT", "DB_URL", "part of DB_URL with DB_HOST; alone it means nothing", (v, all) -> null),
            new Alias("DB_NAME", "DB_URL", "part of DB_URL with DB_HOST; alone it means nothing", (v, all) -> null));

    /** Values of STORAGE_TYPE the guide writes that are called otherwise here. */
    public static final Map<String, String> STORAGE_TYPE_NAMES = Map.of("database", "sql");

    /** A key with no meaning on this runtime: why, and what to use instead. */
    public record NotApplicable(String reason, String instead) {
    }

    public static final Map<String, NotApplicable> NOT_APPLICABLE = notApplicable();

    private static Map<String, NotApplicable> notApplicable() {
        Map<String, NotApplicable> m = new LinkedHashMap<>();
        NotApplicable heap = new NotApplicable(
                "the JVM manages memory: objects live in the garbage-collected heap and Netty pools its I/O buffers itself (PooledByteBufAllocator)",
                "size the heap with java -Xms/-Xmx and direct memory with -XX:MaxDirectMemorySize");
        m.put("MEMORY_POOL_ENABLED", heap);
        m.put("MEMORY_POOL_SIZE", heap);
        NotApplicable buffers = new NotApplicable(
                "network buffers come from Netty's pooled allocator, sized per thread and arena by Netty",
                "java -Dio.netty.allocator.pageSize=... -Dio.netty.allocator.maxOrder=... (defaults suit SMTP)");
        m.put("BUFFER_POOL_SIZE", buffers);
        m.put("BUFFER_POOL_COUNT", buffers);
        NotApplicable arenas = new NotApplicable(
                "arenas of a native allocator; on the JVM the heap has none, and Netty's pooled allocator has its own arenas",
                "java -Dio.netty.allocator.numDirectArenas=N -Dio.netty.allocator.numHeapArenas=N (default: 2 per core); MALLOC_ARENA_MAX=2 in the environment caps glibc's arenas");
        m.put("ARENA_SIZE", arenas);
        m.put("ARENA_COUNT", arenas);
        m.put("USE_HUGE_PAGES", new NotApplicable("huge pages back the JVM's heap, chosen when the JVM starts, not by the application",
                "java -XX:+UseTransparentHugePages (or -XX:+UseLargePages with reserved huge pages)"));
        NotApplicable uring = new NotApplicable(
                "the SMTP listener uses Netty's native epoll transport (NIO where epoll is missing); Netty's io_uring transport is not used",
                "nothing to set: epoll is chosen automatically on Linux");
        m.put("IO_URING_ENABLED", uring);
        m.put("IO_URING_QUEUE_DEPTH", uring);
        m.put("IO_URING_SQPOLL", uring);
        m.put("THREAD_STACK_SIZE", new NotApplicable("the JVM sets thread stack sizes when it starts",
                "java -Xss512k (the default 1 MiB is reserved, not resident)"));
        return Map.copyOf(m);
    }

    public static Alias alias(String guideKey) {
        return ALIASES.stream().filter(a -> a.guideKey().equals(guideKey)).findFirst().orElse(null);
    }

    private static Alias same(String guideKey, String ourKey) {
        return new Alias(guideKey, ourKey, "the same as " + ourKey, (v, all) -> v);
    }

    /**
     * false sets {@code off}, true keeps our default; anything else is refused (0, no, off used to
     * be dropped silently, leaving the feature on).
     */
    private static Translation onlyWhenFalse(String guideKey, String off) {
        return (v, all) -> {
            if (v.trim().equalsIgnoreCase("false")) {
                return off;
            }
            if (v.trim().equalsIgnoreCase("true")) {
                return null;
            }
            throw new ConfigException(guideKey, "must be true or false, got '" + v + "'");
        };
    }

    /** For keys an operator may mistype: the known key (ours or the guide's) closest to {@code key}, or null if none is close. */
    public static String closestKnownKey(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : knownKeys()) {
            int d = distance(key, known);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        // Two edits (a dropped, doubled or swapped letter) or a quarter of the name, whichever is less.
        return bestDistance <= Math.min(2, Math.max(1, key.length() / 4)) ? best : null;
    }

    static List<String> knownKeys() {
        java.util.Set<String> all = new java.util.LinkedHashSet<>();
        Settings.ALL.forEach(s -> all.add(s.key()));
        all.addAll(KEYS);
        return List.copyOf(all);
    }

    static boolean isKnown(String key) {
        return Settings.ALL.stream().anyMatch(s -> s.key().equals(key)) || KEYS.contains(key);
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
