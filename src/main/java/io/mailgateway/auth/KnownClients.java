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
     * the most recent last (so a full account keeps its newest clients); at most {@code limit}
     * pairs, the newest (the limiter keeps so many accounts, AUTH_MAX_TRACKED).
     *
     * @return how many pairs were read
     */
    static int restore(DataSource dataSource, AuthLimiter limiter, Clock clock, int limit) throws SQLException {
        int pairs = 0;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT actor, client_address, MAX(at) AS last FROM audit_log"
                     + " WHERE at >= ? AND action = 'auth.success' AND client_address IS NOT NULL"
                     + " GROUP BY actor, client_address ORDER BY last DESC LIMIT ?")) {
            ps.setLong(1, clock.millis() - REMEMBERED.toMillis());
            ps.setInt(2, limit);
            ps.setQueryTimeout(60);
            record Login(String account, InetAddress client) {
            }
            java.util.ArrayDeque<Login> newestFirst = new java.util.ArrayDeque<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    InetAddress client = literal(rs.getString(2));
                    if (client != null) {
                        newestFirst.add(new Login(rs.getString(1), client));
                    }
                }
            }
            // oldest first, so that where the limiter's tables fill up the newest logins win
            for (java.util.Iterator<Login> i = newestFirst.descendingIterator(); i.hasNext(); pairs++) {
                Login login = i.next();
                limiter.recordSuccess(login.account(), login.client());
            }
        }
        return pairs;
    }

    /** In the background: a large audit log must not hold the start; until done, the clients are as new. */
    static void restoreInBackground(DataSource dataSource, AuthLimiter limiter, Clock clock, int limit) {
        Thread t = new Thread(() -> {
            try {
                LOG.info("AUTH: {} (account, client) pairs known from the audit log's last {} days",
                        restore(dataSource, limiter, clock, limit), REMEMBERED.toDays());
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
