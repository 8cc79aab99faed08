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
 * Maildir, SQLite, S3 (on an s3proxy process), archive and memory stores) started once per test JVM on a free port with a fresh DATA_DIR, shared by the
 * test classes that use it. The embedded broker is in-VM (vm://0), so one per JVM.
 *
 * <p>Test settings: LOCAL_DOMAINS example.com,localhost,test.local; at most 5 recipients;
 * 4 MiB messages; spool to disk past 64 KiB; 5 errors per session. Mail for {@value #RELAY_DOMAIN}
 * is relayed to a {@link CaptureSmtpServer} ({@link #nextHop()}) through the delivery queue, retried after 0.5 s, 1 s, 2 s ... (at most 5 s apart), at most
 * {@value #QUEUE_MAX_RETRIES} retries (one attempt more), bounced {@value #QUEUE_MAX_AGE_SECONDS} s after receipt, with a
 * delay warning to the sender from 1 s after receipt.
 * SPF, DKIM and DMARC are on (the defaults) against {@link #dns()}, a loopback DNS server; /metrics and the status endpoints (Gateway#httpPort) on free ports.
 */
public final class TestGateway implements BeforeAllCallback {

    public static final int MAX_RECIPIENTS = 5;
    /** Mail with a From: in this domain is DKIM-signed on its way out (DKIM_SIGN_DOMAINS). */
    public static final String SIGNED_DOMAIN = "signed.test";
    public static final String DKIM_SELECTOR = "gw1";
    public static final long MAX_MESSAGE_SIZE = 4L * 1024 * 1024;
    public static final int MAX_ERRORS = 5;
    public static final String S3_BUCKET = "mail-test";
    /** Bodies above this go to the SQL store's blob files. */
    public static final int SQL_INLINE_BODY_LIMIT = 128 * 1024;

    private static Gateway gateway;
    private static Path dataDir;
    private static S3ProxyProcess s3;
    private static io.mailgateway.policy.dns.LoopbackDnsServer dns;
    private static int brokerPort;
    private static final AtomicInteger MAILBOXES = new AtomicInteger();
    public static final String RELAY_DOMAIN = "relay.test";
    public static final double QUEUE_INITIAL_RETRY_DELAY = 0.5;
    public static final double QUEUE_RETRY_BACKOFF = 2.0;
    public static final int QUEUE_MAX_RETRIES = 30;
    public static final int QUEUE_MAX_AGE_SECONDS = 4;
    /** A second relayed domain, with its own next hop ({@link #nextHop2()}). */
    public static final String RELAY_DOMAIN_2 = "relay2.test";
    private static CaptureSmtpServer nextHop;
    private static CaptureSmtpServer nextHop2;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    public static synchronized Gateway start() throws Exception {
        if (gateway == null) {
            dataDir = Files.createTempDirectory("gateway-test");
            s3 = S3ProxyProcess.start();
            nextHop = CaptureSmtpServer.start();
            nextHop2 = CaptureSmtpServer.start();
            // The tests' DNS is explicit: a loopback server answering from records the tests add
            // (NXDOMAIN for everything else), so SPF/DKIM/DMARC, on by default, never wait on
            // the sandbox's resolver.
            dns = new io.mailgateway.policy.dns.LoopbackDnsServer();
            Map<String, String> env = new HashMap<>();
            env.put("DATA_DIR", dataDir.toString());
            env.put("SMTP_PORT", "0");
            brokerPort = freePort();
            env.put("BROKER_PORT", String.valueOf(brokerPort));
            env.put("SMTP_HOSTNAME", "mx.test.local");
            env.put("LOCAL_DOMAINS", "example.com,localhost,test.local");
            env.put("SMTP_MAX_RECIPIENTS", String.valueOf(MAX_RECIPIENTS));
            env.put("SMTP_MAX_MESSAGE_SIZE", String.valueOf(MAX_MESSAGE_SIZE));
            env.put("SMTP_MAX_ERRORS", String.valueOf(MAX_ERRORS));
            env.put("SPOOL_THRESHOLD", "65536");
            env.put("SQL_INLINE_BODY_LIMIT", String.valueOf(SQL_INLINE_BODY_LIMIT));
            env.put("ROUTES_DIR", Path.of("routes").toAbsolutePath().toString());
            env.put("BROKER_CONFIG", Path.of("broker", "broker.xml").toAbsolutePath().toString());
            env.put("STORAGE_TYPE", "maildir,sql,s3,archive,memory");
            env.put("S3_ENDPOINT", s3.endpoint());
            env.put("S3_BUCKET", S3_BUCKET);
            env.put("AWS_ACCESS_KEY_ID", S3ProxyProcess.ACCESS_KEY);
            env.put("AWS_SECRET_ACCESS_KEY", S3ProxyProcess.SECRET_KEY);
            env.put("TRANSPORT_MAP", RELAY_DOMAIN + "=smtp:[127.0.0.1]:" + nextHop.port()
                    + "," + RELAY_DOMAIN_2 + "=smtp:[127.0.0.1]:" + nextHop2.port() + ",*=mx");
            env.put("QUEUE_INITIAL_RETRY_DELAY", String.valueOf(QUEUE_INITIAL_RETRY_DELAY));
            env.put("QUEUE_RETRY_BACKOFF", String.valueOf(QUEUE_RETRY_BACKOFF));
            env.put("QUEUE_MAX_RETRY_DELAY", "5");
            env.put("QUEUE_MAX_RETRIES", String.valueOf(QUEUE_MAX_RETRIES));
            env.put("QUEUE_MAX_AGE", QUEUE_MAX_AGE_SECONDS + "s");
            env.put("QUEUE_DELAY_WARNING", "1s");
            // Outbound DKIM signing for SIGNED_DOMAIN, its public key published in dns()
            env.put("DKIM_SIGN_DOMAINS", SIGNED_DOMAIN + ":" + DKIM_SELECTOR);
            publishDkimKey(dataDir);
            env.put("DNS_SERVERS", "127.0.0.1:" + dns.address().getPort());
            env.put("DNS_TIMEOUT", "1000");
            env.put("METRICS_PORT", "0");
            env.put("HTTP_PORT", "0");
            env.put("SUBMISSION_PORT", "0");
            env.put("SMTPS_PORT", "0");
            // failed AUTH: short delays and a low limit, so the lockout test takes milliseconds
            env.put("AUTH_FAILURE_DELAY", "20ms");
            env.put("AUTH_MAX_FAILURES", "3");
            env.put("POLICY_DATA_CHECKS", "io.mailgateway.policy.camel.RejectMarked");
            gateway = new Gateway(GatewayConfig.load(env, new Properties())).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                gateway.close();
                try {
                    s3.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        return gateway;
    }

    /** The next hop of {@value #RELAY_DOMAIN}: a capture SMTP server on loopback. */
    public static CaptureSmtpServer nextHop() {
        return nextHop;
    }

    /** The next hop of {@value #RELAY_DOMAIN_2}. */
    public static CaptureSmtpServer nextHop2() {
        return nextHop2;
    }

    /** The DNS server the gateway asks (DNS_SERVERS); add records with names unique to your test (answers are cached). */
    public static io.mailgateway.policy.dns.LoopbackDnsServer dns() {
        return dns;
    }

    public static int port() {
        return gateway.smtpPort();
    }

    /** The broker's administrative port (BROKER_PORT) the queue CLI connects to. */
    public static int brokerPort() {
        return brokerPort;
    }

    /** The login the running test gateway wrote into its DATA_DIR (the queue CLI's). */
    public static io.mailgateway.broker.AdminCredentials brokerCredentials() {
        try {
            return io.mailgateway.broker.AdminCredentials.read(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback port free right now, outside the ephemeral range ({@link FreePorts}); never a fixed well-known one. */
    public static int freePort() {
        return FreePorts.next();
    }

    public static CamelContext camel() {
        return gateway.camelContext();
    }

    public static Gateway gateway() {
        return gateway;
    }

    /** The s3proxy the S3 store writes to (bucket {@link #S3_BUCKET}, prefix "mail"). */
    public static S3ProxyProcess s3() {
        return s3;
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

    public static Path archive() {
        return dataDir.resolve("archive");
    }

    public static io.mailgateway.store.memory.MemoryStore memoryStore() {
        return camel().getRegistry().lookupByNameAndType("memoryStore", io.mailgateway.store.memory.MemoryStore.class);
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
                        .to("accepted:mail.accepted");
            }
        });
        return ((io.mailgateway.smtp.camel.SmtpdConsumer) camel().getRoute(routeId).getConsumer()).getLocalPort();
    }

    /** An RSA key for SIGNED_DOMAIN in $DATA_DIR/dkim (as `dkim keygen` writes it), its TXT record in dns(). */
    private static void publishDkimKey(Path dataDir) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.KeyPair pair = g.generateKeyPair();
        Path dir = Files.createDirectories(dataDir.resolve("dkim"));
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(dir.resolve(SIGNED_DOMAIN + "." + DKIM_SELECTOR + ".key"), pem);
        String p = java.util.Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        List<String> strings = new java.util.ArrayList<>();
        String record = "v=DKIM1; k=rsa; p=" + p;
        for (int i = 0; i < record.length(); i += 255) {
            strings.add(record.substring(i, Math.min(record.length(), i + 255)));
        }
        dns.add(new org.xbill.DNS.TXTRecord(org.xbill.DNS.Name.fromConstantString(DKIM_SELECTOR + "._domainkey." + SIGNED_DOMAIN + "."),
                org.xbill.DNS.DClass.IN, 300, strings));
    }
}
