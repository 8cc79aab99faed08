package io.mailgateway.auth;

import io.mailgateway.config.Capability;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.config.Wiring;
import io.mailgateway.policy.limits.Ticker;
import io.mailgateway.store.sql.GatewayDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * Binds what AUTH needs below the SMTP session, on the gateway's SQL database (DB_URL or
 * $DATA_DIR/gateway.db, opened here whatever STORAGE_TYPE says, and shared with the SQL store):
 * "gatewayDatabase", "auditLog", "userDirectory", "authenticator" and "senderPolicy". Must come
 * after MetricsBeans ("metricsRegistry") and before the SMTP session's capability.
 *
 * <p>Stopping: the user cache's change check stops, the audit log writes what is queued, then
 * this capability's share of the pool closes (after the SMTP listener, as every resource of a
 * capability).
 */
public final class AuthBeans implements Capability {

    @Override
    public void bind(Wiring wiring) throws Exception {
        GatewayConfig config = wiring.config();
        GatewayDatabase database = wiring.bind("gatewayDatabase", GatewayDatabase.open(config)
                .maintain(config.duration("SQLITE_VACUUM_INTERVAL"), config.duration("SQLITE_OPTIMIZE_INTERVAL")));
        AuditLog audit = wiring.bind("auditLog", new AuditLog(database.dataSource(), Clock.systemUTC()));
        UserDirectory users = wiring.bind("userDirectory", new UserDirectory(new UserStore(database.dataSource(), Clock.systemUTC()),
                config.getBoolean("USER_CACHE_ENABLED"), config.seconds("USER_CACHE_TTL"), config.getInt("USER_CACHE_SIZE"), Ticker.SYSTEM));
        // Closed in this order: the cache check's timer, the audit log's last rows, then our share of the pool.
        wiring.closeOnStop(users.watch(config.seconds("USER_CACHE_CHECK_INTERVAL")));
        wiring.closeOnStop(audit);
        wiring.closeOnStop(database);
        AuthLimiter limiter = new AuthLimiter(config.getInt("AUTH_MAX_FAILURES"), config.seconds("AUTH_FAILURE_WINDOW"),
                config.seconds("AUTH_BLOCK_TIME"), config.duration("AUTH_FAILURE_DELAY"), config.getInt("AUTH_MAX_TRACKED"), Ticker.SYSTEM);
        KnownClients.restoreInBackground(database.dataSource(), limiter, Clock.systemUTC(), config.getInt("AUTH_MAX_TRACKED"));
        AuthMetrics metrics = new AuthMetrics(wiring.lookup("metricsRegistry", MeterRegistry.class));
        wiring.bind("authenticator", new Authenticator(users, new PasswordHasher(), limiter, audit, metrics));
        wiring.bind("senderPolicy", new SenderPolicy(users, config.getBoolean("AUTH_ALLOW_NULL_SENDER")));
    }
}
