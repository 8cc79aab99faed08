package io.mailgateway.cli;

import io.mailgateway.Gateway;
import io.mailgateway.config.ConfigException;
import io.mailgateway.config.GatewayConfig;

/**
 * {@code java -jar mail-gateway.jar} runs the gateway on its configuration (environment,
 * CONFIG_FILE, defaults). {@code archive list|extract} reads the archive store ({@link ArchiveCommand});
 * {@code dkim keygen} makes a signing key ({@link DkimCommand}).
 * Further commands (user, queue, dlq, dkim) join here in later issues.
 */
public final class GatewayMain {

    private GatewayMain() {
    }

    private static int archive(java.util.List<String> args) throws java.io.IOException {
        try {
            return ArchiveCommand.run(args, GatewayConfig.fromEnvironment().dataDir(), System.out, System.err);
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        }
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
        if (args.length > 0) {
            if (args[0].equals("--help") || args[0].equals("-h")) {
                System.out.println("usage: java -jar mail-gateway.jar   (runs the gateway; settings in docs/configuration.md)");
                System.out.println(ArchiveCommand.USAGE);
                System.out.println(DkimCommand.USAGE);
                return;
            }
            if (args[0].equals("dkim")) {
                System.exit(dkim(java.util.Arrays.asList(args).subList(1, args.length)));
                return;
            }
            if (args[0].equals("archive")) {
                System.exit(archive(java.util.Arrays.asList(args).subList(1, args.length)));
                return;
            }
            System.err.println("unknown command: " + String.join(" ", args) + " (try --help)");
            System.exit(2);
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
            System.err.println("mail-gateway failed: " + e);
            System.exit(1);
        } finally {
            org.apache.logging.log4j.LogManager.shutdown();
        }
    }
}
