package io.mailgateway.cli;

import io.mailgateway.Gateway;
import io.mailgateway.config.ConfigException;
import io.mailgateway.config.EffectiveConfig;
import io.mailgateway.config.GatewayConfig;

/**
 * {@code java -jar mail-gateway.jar} runs the gateway on its configuration (environment,
 * CONFIG_FILE, defaults). {@code archive list|extract} reads the archive store ({@link ArchiveCommand});
 * {@code dkim keygen} makes a signing key ({@link DkimCommand}); {@code queue ...} and
 * {@code dlq ...} inspect and repair the running gateway's delivery queue ({@link QueueCommand});
 * {@code user ...} manages the users AUTH checks ({@link UserCommand}); {@code --benchmark[=NAME]}
 * runs the JMH benchmarks of our own code ({@link BenchmarkCommand}); {@code backup now} makes a
 * backup ({@link BackupCommand}).
 */
public final class GatewayMain {

    private GatewayMain() {
    }

    /**
     * Runs a command of the jar without exiting (tests call this): {@code queue ...},
     * {@code dlq ...}, {@code archive ...} or {@code user ...}; returns its exit status.
     */
    public static int command(java.util.List<String> args, java.io.PrintStream out, java.io.PrintStream err) throws java.io.IOException {
        return command(args, System.in, out, err);
    }

    /** {@link #command(java.util.List, java.io.PrintStream, java.io.PrintStream)} with a given stdin (passwords of {@code user}). */
    public static int command(java.util.List<String> args, java.io.InputStream in, java.io.PrintStream out, java.io.PrintStream err)
            throws java.io.IOException {
        GatewayConfig config;
        try {
            config = GatewayConfig.fromEnvironment();
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        }
        return command(args, config, in, out, err);
    }

    /** {@link #command(java.util.List, java.io.PrintStream, java.io.PrintStream)} on a given configuration. */
    public static int command(java.util.List<String> args, GatewayConfig config, java.io.PrintStream out, java.io.PrintStream err)
            throws java.io.IOException {
        return command(args, config, System.in, out, err);
    }

    /** The same on a given configuration and stdin. */
    public static int command(java.util.List<String> args, GatewayConfig config, java.io.InputStream in, java.io.PrintStream out,
                              java.io.PrintStream err) throws java.io.IOException {
        return switch (args.get(0)) {
            case "queue" -> queue(args.subList(1, args.size()), config, out, err);
            case "dlq" -> queue(args, config, out, err);
            case "archive" -> ArchiveCommand.run(args.subList(1, args.size()), config.dataDir(), out, err);
            case "user" -> UserCommand.run(args.subList(1, args.size()), config, in, out, err);
            case "backup" -> BackupCommand.run(args.subList(1, args.size()), config, out, err);
            default -> {
                err.println("unknown command: " + String.join(" ", args) + " (try --help)");
                yield 2;
            }
        };
    }

    /** The queue commands, on every node when this gateway is a cluster member. */
    private static int queue(java.util.List<String> args, GatewayConfig config, java.io.PrintStream out, java.io.PrintStream err) {
        io.mailgateway.broker.ClusterSettings cluster;
        try {
            cluster = io.mailgateway.broker.ClusterSettings.from(config);
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        }
        return QueueCommand.run(args, config.getInt("BROKER_PORT"), config.dataDir(), cluster, out, err);
    }

    private static int dkim(java.util.List<String> args) {
        try {
            return DkimCommand.run(args, GatewayConfig.fromEnvironment().dataDir(), System.out, System.err);
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        }
    }

    public static void main(String[] args) throws Exception {
        // before anything can take a TLS connection (the broker's acceptors included)
        io.mailgateway.smtp.tls.ServerTls.refuseClientRenegotiation();
        if (args.length > 0) {
            if (args[0].equals("--help") || args[0].equals("-h")) {
                System.out.println("usage: java -jar mail-gateway.jar   (runs the gateway; settings in docs/configuration.md)");
                System.out.println(ArchiveCommand.USAGE);
                System.out.println(DkimCommand.USAGE);
                System.out.println(QueueCommand.USAGE);
                System.out.println(UserCommand.USAGE);
                System.out.println(BenchmarkCommand.USAGE);
                System.out.println(BackupCommand.USAGE);
                return;
            }
            if (args[0].equals("dkim")) {
                System.exit(dkim(java.util.Arrays.asList(args).subList(1, args.length)));
                return;
            }
            // A command's output is its stdout (`queue list --json | jq`): no broker client log lines there.
            org.apache.logging.log4j.core.config.Configurator.setAllLevels(
                    org.apache.logging.log4j.LogManager.ROOT_LOGGER_NAME, org.apache.logging.log4j.Level.OFF);
            int status = BenchmarkCommand.isBenchmark(args[0])
                    ? BenchmarkCommand.run(args[0], java.util.Arrays.asList(args).subList(1, args.length), System.out, System.err)
                    : command(java.util.Arrays.asList(args), System.out, System.err);
            org.apache.logging.log4j.LogManager.shutdown();
            System.exit(status);
            return;
        }
        GatewayConfig config;
        try {
            config = GatewayConfig.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            new Gateway(config).run();
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("mail-gateway failed: " + EffectiveConfig.maskSecrets(e.toString()));
            System.exit(1);
        } finally {
            org.apache.logging.log4j.LogManager.shutdown();
        }
    }
}
