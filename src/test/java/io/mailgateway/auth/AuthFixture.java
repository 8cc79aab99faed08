package io.mailgateway.auth;

import io.mailgateway.config.GatewayConfig;
import io.mailgateway.policy.limits.ManualClock;
import io.mailgateway.store.sql.GatewayDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The AUTH parts on a real database (SQLite in a temporary DATA_DIR, or a given DB_URL), with a
 * manual clock for the limiter and the cache, and cheap Argon2 parameters so tests stay fast
 * (the parameters are not what is tested here; PasswordHasherTest checks the defaults).
 */
final class AuthFixture implements AutoCloseable {

    static final PasswordHasher.Params CHEAP = new PasswordHasher.Params(256, 1, 1);
    static final InetAddress CLIENT = address("192.0.2.10");

    final ManualClock clock = new ManualClock();
    final MeterRegistry registry = new SimpleMeterRegistry();
    final GatewayDatabase database;
    final UserStore store;
    final AuditLog audit;
    final UserDirectory directory;
    final PasswordHasher hasher = new PasswordHasher(CHEAP, 2);
    final AuthLimiter limiter;
    final Authenticator authenticator;

    AuthFixture(Map<String, String> env) throws Exception {
        GatewayConfig config = GatewayConfig.load(env, new Properties());
        database = GatewayDatabase.open(config);
        store = new UserStore(database.dataSource(), clock);
        audit = new AuditLog(database.dataSource(), clock);
        directory = new UserDirectory(store, true, Duration.ofSeconds(300), 100, clock);
        limiter = new AuthLimiter(5, Duration.ofSeconds(900), Duration.ofSeconds(900), Duration.ofSeconds(1), 1000, clock);
        authenticator = new Authenticator(directory, hasher, limiter, audit, new AuthMetrics(registry));
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    void addUser(String address, String password) throws SQLException {
        store.add(address, hasher.hash(password));
    }

    AuthOutcome login(String user, String password) {
        return login(user, password, CLIENT);
    }

    AuthOutcome login(String user, String password, InetAddress client) {
        return authenticator.authenticate(Sasl.Mechanism.PLAIN, user, password, client);
    }

    double attempts(String result) {
        return registry.get("smtp.auth.attempts").tag("mechanism", "plain").tag("result", result).counter().count();
    }

    /** The audit rows so far, as "actor action detail client", after the writer has written them. */
    List<String> auditRows() throws SQLException {
        audit.close(); // writes every queued row; later appends are written by their callers
        List<String> rows = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT actor, action, detail, client_address, at FROM audit_log ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
            }
        }
        return rows;
    }

    @Override
    public void close() {
        audit.close();
        database.close();
    }
}
