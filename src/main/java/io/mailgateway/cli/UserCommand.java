package io.mailgateway.cli;

import io.mailgateway.auth.AuditLog;
import io.mailgateway.auth.PasswordHasher;
import io.mailgateway.auth.User;
import io.mailgateway.auth.UserStore;
import io.mailgateway.config.EffectiveConfig;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.store.sql.GatewayDatabase;
import java.io.InputStream;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * {@code user add|passwd ADDRESS --password-stdin}, {@code user disable|enable ADDRESS},
 * {@code user list}, {@code user alias add|remove USER ADDRESS}: the users AUTH checks, in the
 * gateway's database (DB_URL, or $DATA_DIR/gateway.db: set DATA_DIR / DB_URL as for the
 * gateway). Each change is written to audit_log with the actor "cli:" and the OS user. A running
 * gateway notices a change within USER_CACHE_CHECK_INTERVAL (it then clears its user cache).
 *
 * <p>Exit status: 0 done, 1 refused (no such user, address taken, password not acceptable),
 * 2 usage error, 3 the database cannot be opened.
 */
final class UserCommand {

    static final String USAGE = "usage: java -jar mail-gateway.jar user add ADDRESS --password-stdin\n"
            + "       java -jar mail-gateway.jar user passwd ADDRESS --password-stdin\n"
            + "       java -jar mail-gateway.jar user disable|enable ADDRESS\n"
            + "       java -jar mail-gateway.jar user list\n"
            + "       java -jar mail-gateway.jar user alias add|remove USER ADDRESS   (extra sender addresses of USER)";

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE_ERROR = 2;
    static final int UNREACHABLE = 3;

    private final UserStore users;
    private final AuditLog audit;
    private final String actor = "cli:" + System.getProperty("user.name", "?");
    private final PrintStream out;
    private final PrintStream err;

    private UserCommand(UserStore users, AuditLog audit, PrintStream out, PrintStream err) {
        this.users = users;
        this.audit = audit;
        this.out = out;
        this.err = err;
    }

    static int run(List<String> args, GatewayConfig config, InputStream stdin, PrintStream out, PrintStream err) {
        UserArgs parsed;
        try {
            parsed = UserArgs.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage().isEmpty() ? USAGE : e.getMessage());
            return USAGE_ERROR;
        }
        String password = null;
        if (parsed.needsPassword()) {
            try {
                password = PasswordInput.read(stdin);
            } catch (PasswordInput.Refused e) {
                err.println("refused: " + e.getMessage());
                return REFUSED;
            } catch (java.io.IOException e) {
                err.println("cannot read the password from stdin: " + e.getMessage());
                return REFUSED;
            }
        }
        GatewayDatabase database;
        try {
            database = GatewayDatabase.open(config);
        } catch (Exception e) {
            err.println("cannot open the users database: " + EffectiveConfig.maskSecrets(e.getMessage()));
            return UNREACHABLE;
        }
        try (database; AuditLog audit = new AuditLog(database.dataSource(), Clock.systemUTC())) {
            UserCommand cmd = new UserCommand(new UserStore(database.dataSource(), Clock.systemUTC()), audit, out, err);
            return cmd.dispatch(parsed, password);
        } catch (SQLException e) {
            err.println("user " + parsed.verb() + " failed: " + EffectiveConfig.maskSecrets(e.getMessage()));
            return UNREACHABLE;
        } finally {
            out.flush();
        }
    }

    private int dispatch(UserArgs a, String password) throws SQLException {
        return switch (a.verb()) {
            case "add" -> {
                if (!users.add(a.address(), new PasswordHasher().hash(password))) {
                    yield refused(a.address() + " exists already (as a user or as an extra address)");
                }
                yield changed("user.add", a.address(), "added " + a.address());
            }
            case "passwd" -> users.setPassword(a.address(), new PasswordHasher().hash(password))
                    ? changed("user.passwd", a.address(), "password of " + a.address() + " changed") : noSuchUser(a.address());
            case "disable", "enable" -> users.setEnabled(a.address(), a.verb().equals("enable"))
                    ? changed("user." + a.verb(), a.address(), a.address() + " " + a.verb() + "d") : noSuchUser(a.address());
            case "alias add" -> switch (users.addAlias(a.address(), a.alias())) {
                case ADDED -> changed("user.alias.add", a.address() + " may send as " + a.alias(), a.address() + " may now send as " + a.alias());
                case NO_SUCH_USER -> noSuchUser(a.address());
                case TAKEN -> refused(a.alias() + " is already a user or another user's extra address");
            };
            case "alias remove" -> users.removeAlias(a.address(), a.alias())
                    ? changed("user.alias.remove", a.address() + " no longer sends as " + a.alias(), a.address() + " may no longer send as " + a.alias())
                    : refused(a.alias() + " is not an extra address of " + a.address());
            default -> list();
        };
    }

    private int list() throws SQLException {
        List<User> all = users.list();
        out.printf("%-40s  %-8s  %-20s  %-20s  %s%n", "ADDRESS", "STATUS", "CREATED (UTC)", "CHANGED (UTC)", "EXTRA ADDRESSES");
        for (User u : all) {
            out.printf("%-40s  %-8s  %-20s  %-20s  %s%n", u.address(), u.enabled() ? "enabled" : "disabled",
                    QueueTable.time(u.createdAt()), QueueTable.time(u.updatedAt()), String.join(",", u.aliases()));
        }
        out.println(all.size() + " user(s)");
        return OK;
    }

    private int changed(String action, String detail, String message) {
        audit.append(actor, action, detail, null);
        out.println(message);
        return OK;
    }

    private int noSuchUser(String address) {
        return refused("no user " + address);
    }

    private int refused(String message) {
        err.println(message);
        return REFUSED;
    }

    /** The words after {@code user}, checked; addresses canonical. */
    record UserArgs(String verb, String address, String alias) {

        boolean needsPassword() {
            return verb.equals("add") || verb.equals("passwd");
        }

        static UserArgs parse(List<String> args) {
            if (args.isEmpty()) {
                throw new IllegalArgumentException("");
            }
            for (String a : args) {
                if (a.startsWith("--password") && !a.equals("--password-stdin")) {
                    throw new IllegalArgumentException("passwords are read from stdin only (--password-stdin): a password on the"
                            + " command line shows in the process list and the shell history");
                }
            }
            String verb = args.get(0);
            return switch (verb) {
                case "add", "passwd" -> {
                    if (args.size() == 2) {
                        throw new IllegalArgumentException("user " + verb + " reads the password from stdin: add --password-stdin");
                    }
                    if (args.size() != 3 || !args.get(2).equals("--password-stdin")) {
                        throw new IllegalArgumentException(args.size() > 3 || args.size() == 3
                                ? "passwords are read from stdin only (--password-stdin), never from an argument" : "");
                    }
                    yield new UserArgs(verb, address(args.get(1)), null);
                }
                case "disable", "enable" -> {
                    if (args.size() != 2) {
                        throw new IllegalArgumentException("");
                    }
                    yield new UserArgs(verb, address(args.get(1)), null);
                }
                case "list" -> {
                    if (args.size() != 1) {
                        throw new IllegalArgumentException("");
                    }
                    yield new UserArgs(verb, null, null);
                }
                case "alias" -> {
                    if (args.size() != 4 || !(args.get(1).equals("add") || args.get(1).equals("remove"))) {
                        throw new IllegalArgumentException("");
                    }
                    yield new UserArgs("alias " + args.get(1), address(args.get(2)), address(args.get(3)));
                }
                default -> throw new IllegalArgumentException("");
            };
        }

        private static String address(String text) {
            Optional<String> canonical = UserStore.canonical(text);
            return canonical.orElseThrow(() -> new IllegalArgumentException("not a mail address: " + text));
        }
    }
}
