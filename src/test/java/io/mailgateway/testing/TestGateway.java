package io.mailgateway.testing;

import io.mailgateway.Gateway;
import io.mailgateway.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: the whole gateway (embedded Artemis, the YAML routes of routes/, the
 * Maildir and SQLite stores) started once per test JVM on a free port with a fresh DATA_DIR, shared by the
 * test classes that use it. The embedded broker is in-VM (vm://0), so one per JVM.
 *
 * <p>Test settings: LOCAL_DOMAINS example.com,localhost,test.local; at most 5 recipients;
 * 4 MiB messages; spool to disk past 64 KiB; 5 errors per session.
 */
public final class TestGateway implements BeforeAllCallback {

    public static final int MAX_RECIPIENTS = 5;
    public static final long MAX_MESSAGE_SIZE = 4L * 1024 * 1024;
    public static final int MAX_ERRORS = 5;
    /** Bodies above this go to the SQL store's blob files. */
    public static final int SQL_INLINE_BODY_LIMIT = 128 * 1024;

    private static Gateway gateway;
    private static Path dataDir;
    private static final AtomicInteger MAILBOXES = new AtomicInteger();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    public static synchronized Gateway start() throws Exception {
        if (gateway == null) {
            dataDir = Files.createTempDirectory("gateway-test");
            Map<String, String> env = new HashMap<>();
            env.put("DATA_DIR", dataDir.toString());
            env.put("SMTP_PORT", "0");
            env.put("SMTP_HOSTNAME", "mx.test.local");
            env.put("LOCAL_DOMAINS", "example.com,localhost,test.local");
            env.put("SMTP_MAX_RECIPIENTS", String.valueOf(MAX_RECIPIENTS));
            env.put("SMTP_MAX_MESSAGE_SIZE", String.valueOf(MAX_MESSAGE_SIZE));
            env.put("SMTP_MAX_ERRORS", String.valueOf(MAX_ERRORS));
            env.put("SPOOL_THRESHOLD", "65536");
            env.put("STORAGE_TYPE", "maildir,sql");
            env.put("SQL_INLINE_BODY_LIMIT", String.valueOf(SQL_INLINE_BODY_LIMIT));
            env.put("ROUTES_DIR", Path.of("routes").toAbsolutePath().toString());
            env.put("BROKER_CONFIG", Path.of("broker", "broker.xml").toAbsolutePath().toString());
            gateway = new Gateway(GatewayConfig.load(env, new Properties())).start();
            Runtime.getRuntime().addShutdownHook(new Thread(gateway::close));
        }
        return gateway;
    }

    public static int port() {
        return gateway.smtpPort();
    }

    public static CamelContext camel() {
        return gateway.camelContext();
    }

    public static Gateway gateway() {
        return gateway;
    }

    public static Path dataDir() {
        return dataDir;
    }

    /** The SQL store's pool (SQLite in DATA_DIR/gateway.db). */
    public static javax.sql.DataSource sqlDataSource() {
        return camel().getRegistry().lookupByNameAndType("sqlStoreDataSource", javax.sql.DataSource.class);
    }

    public static Path maildir() {
        return dataDir.resolve("maildir");
    }

    /** A fresh local-part, so tests sharing the gateway never look at each other's mail. */
    public static String uniqueUser(String prefix) {
        return prefix + MAILBOXES.incrementAndGet();
    }

    /** Files in new/ of a mailbox ({@code user@domain}); empty when none. */
    public static List<Path> newMail(String address) {
        int at = address.indexOf('@');
        Path newDir = maildir().resolve(address.substring(at + 1).toLowerCase()).resolve(address.substring(0, at).toLowerCase()).resolve("new");
        if (!Files.isDirectory(newDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(newDir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds a second SMTP listener with other options (e.g. "greetingDelay=300&idleTimeout=1")
     * feeding the same broker write as the inbound route; returns its port.
     */
    public static int extraListener(String routeId, String options) throws Exception {
        camel().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("smtpd:127.0.0.1:0?" + options).routeId(routeId)
                        .process("receivedHeader")
                        .to("jms:topic:mail.accepted?deliveryPersistent=true");
            }
        });
        return ((io.mailgateway.smtp.camel.SmtpdConsumer) camel().getRoute(routeId).getConsumer()).getLocalPort();
    }
}
