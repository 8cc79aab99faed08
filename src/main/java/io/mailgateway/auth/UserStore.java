package io.mailgateway.auth;

import io.mailgateway.message.Mailbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code users} and {@code user_addresses} tables (db/changelog 001 and 004), SQLite or
 * PostgreSQL: the same statements work on both. Addresses go in and come out canonical (see
 * {@link #canonical}). Thread-safe (each call takes its own connection).
 */
public final class UserStore {

    /** What adding an extra sender address did. */
    public enum AliasChange { ADDED, NO_SUCH_USER, TAKEN }

    private static final String USER_COLUMNS = "address, password_hash, enabled, created_at, updated_at";

    private final DataSource dataSource;
    private final Clock clock;

    public UserStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /**
     * The canonical form of an address as users and the session write it: {@link Mailbox}'s
     * (domain lower case, local part unquoted and NFC, its case kept: RFC 5321 2.4); empty when
     * it is no mailbox address.
     */
    public static Optional<String> canonical(String address) {
        return address == null ? Optional.empty() : Mailbox.parse(address).filter(m -> !m.isNull()).map(Mailbox::toString);
    }

    public Optional<User> find(String address) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            User user = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + USER_COLUMNS + " FROM users WHERE address = ?")) {
                ps.setString(1, address);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        user = row(rs, aliases(c, address));
                    }
                }
            }
            return Optional.ofNullable(user);
        }
    }

    /**
     * A value that changes whenever a user is added, changed or gets or loses an extra address
     * (each of those sets updated_at): how a running gateway notices the user commands of
     * another process. One small aggregate query.
     */
    public String fingerprint() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(updated_at), 0), COALESCE(MAX(updated_at), 0),"
                     + " COALESCE(SUM(CASE WHEN enabled THEN 1 ELSE 0 END), 0) FROM users");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            // The enabled count too: a disable in the same millisecond as the last change still shows.
            return rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3) + "/" + rs.getLong(4);
        }
    }

    /** Every user, by address, with their aliases. */
    public List<User> list() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<String, List<String>> aliases = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT user_address, address FROM user_addresses ORDER BY address");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    aliases.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
            List<User> users = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + USER_COLUMNS + " FROM users ORDER BY address");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.add(row(rs, aliases.getOrDefault(rs.getString(1), List.of())));
                }
            }
            return users;
        }
    }

    /** Adds an enabled user; false when the address is taken (by a user or as someone's alias). */
    public boolean add(String address, String passwordHash) throws SQLException {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            if (ownerOfAlias(c, address).isPresent()) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (address, password_hash, enabled, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (address) DO NOTHING")) {
                ps.setString(1, address);
                ps.setString(2, passwordHash);
                ps.setBoolean(3, true);
                ps.setLong(4, now);
                ps.setLong(5, now);
                return ps.executeUpdate() == 1;
            }
        }
    }

    /** False when there is no such user. */
    public boolean setPassword(String address, String passwordHash) throws SQLException {
        return update("UPDATE users SET password_hash = ?, updated_at = ? WHERE address = ?", passwordHash, address);
    }

    /** False when there is no such user. */
    public boolean setEnabled(String address, boolean enabled) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE users SET enabled = ?, updated_at = ? WHERE address = ?")) {
            ps.setBoolean(1, enabled);
            ps.setLong(2, clock.millis());
            ps.setString(3, address);
            return ps.executeUpdate() == 1;
        }
    }

    /** Lets {@code user} send as {@code alias}; one owner per address, and no user's own address. */
    public AliasChange addAlias(String user, String alias) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!exists(c, user)) {
                return AliasChange.NO_SUCH_USER;
            }
            if (exists(c, alias)) {
                return AliasChange.TAKEN;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_addresses (address, user_address, created_at)"
                    + " VALUES (?, ?, ?) ON CONFLICT (address) DO NOTHING")) {
                ps.setString(1, alias);
                ps.setString(2, user);
                ps.setLong(3, clock.millis());
                if (ps.executeUpdate() == 0) {
                    return AliasChange.TAKEN;
                }
            }
            touch(c, user);
            return AliasChange.ADDED;
        }
    }

    /** False when {@code alias} is not one of {@code user}'s. */
    public boolean removeAlias(String user, String alias) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_addresses WHERE address = ? AND user_address = ?")) {
                ps.setString(1, alias);
                ps.setString(2, user);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            touch(c, user);
            return true;
        }
    }

    private boolean update(String sql, String value, String address) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            ps.setLong(2, clock.millis());
            ps.setString(3, address);
            return ps.executeUpdate() == 1;
        }
    }

    private void touch(Connection c, String user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE users SET updated_at = ? WHERE address = ?")) {
            ps.setLong(1, clock.millis());
            ps.setString(2, user);
            ps.executeUpdate();
        }
    }

    private static boolean exists(Connection c, String address) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM users WHERE address = ?")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Optional<String> ownerOfAlias(Connection c, String address) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT user_address FROM user_addresses WHERE address = ?")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static List<String> aliases(Connection c, String address) throws SQLException {
        List<String> aliases = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT address FROM user_addresses WHERE user_address = ? ORDER BY address")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    aliases.add(rs.getString(1));
                }
            }
        }
        return aliases;
    }

    private static User row(ResultSet rs, List<String> aliases) throws SQLException {
        return new User(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4), rs.getLong(5), aliases);
    }
}
