package io.mailgateway.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients each account logged in from, read back from the audit log's {@code auth.success}
 * rows at startup. The limiter lets a client that logged in to an account before past that
 * account's block; kept in memory only, that knowledge ended with the process, and an attacker
 * who locks the account right after a restart (5 wrong passwords every AUTH_BLOCK_TIME) kept
 * its user out until the user's first login, which the block refused.
 */
final class KnownClients {

    /** How far back a login still makes its client known: about a month of a user's usual hosts. */
    static final Duration REMEMBERED = Duration.ofDays(30);
    private static final Logger LOG = LoggerFactory.getLogger(KnownClients.class);

    private KnownClients() {
    }

    /**
     * Tells the limiter of every (account, client) that logged in within {@link #REMEMBERED},
     * the most recent last (so a full account keeps its newest clients).
     *
     * @return how many pairs were read
     */
    static int restore(DataSource dataSource, AuthLimiter limiter, Clock clock) throws SQLException {
        int pairs = 0;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT actor, client_address, MAX(at) AS last FROM audit_log"
                     + " WHERE at >= ? AND action = 'auth.success' AND client_address IS NOT NULL"
                     + " GROUP BY actor, client_address ORDER BY last")) {
            ps.setLong(1, clock.millis() - REMEMBERED.toMillis());
            ps.setQueryTimeout(60);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    InetAddress client = literal(rs.getString(2));
                    if (client != null) {
                        limiter.recordSuccess(rs.getString(1), client);
                        pairs++;
                    }
                }
            }
        }
        return pairs;
    }

    /** In the background: a large audit log must not hold the start; until done, the clients are as new. */
    static void restoreInBackground(DataSource dataSource, AuthLimiter limiter, Clock clock) {
        Thread t = new Thread(() -> {
            try {
                LOG.info("AUTH: {} (account, client) pairs known from the audit log's last {} days",
                        restore(dataSource, limiter, clock), REMEMBERED.toDays());
            } catch (SQLException | RuntimeException e) {
                LOG.warn("AUTH: the clients accounts logged in from could not be read from the audit log ({});"
                        + " they count as new until their next login", e.getMessage());
            }
        }, "auth-known-clients");
        t.setDaemon(true);
        t.start();
    }

    /** An address as the audit log wrote it (getHostAddress); never a name, which would be looked up. */
    private static InetAddress literal(String text) {
        if (text == null || !text.matches("[0-9.]+|[0-9A-Fa-f:.%a-zA-Z0-9]*:[0-9A-Fa-f:.%a-zA-Z0-9]*")) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
