package io.mailgateway;

import io.mailgateway.broker.AcceptedQueue;
import io.mailgateway.broker.DeliverySettings;
import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.delivery.DeliverProcessor;
import io.mailgateway.delivery.RelayClient;
import io.mailgateway.delivery.RetrySchedule;
import io.mailgateway.delivery.Router;
import io.mailgateway.config.ConfigException;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.config.RouteReloader;
import io.mailgateway.delivery.NextHops;
import io.mailgateway.delivery.RelaySettings;
import io.mailgateway.delivery.SmtpRelayClient;
import io.mailgateway.message.MessageContentConverters;
import io.mailgateway.metrics.AuthMetrics;
import io.mailgateway.metrics.MetricsServer;
import io.mailgateway.policy.camel.AuthenticationResults;
import io.mailgateway.policy.camel.DkimVerify;
import io.mailgateway.policy.camel.DmarcCheck;
import io.mailgateway.policy.camel.SpfCheck;
import io.mailgateway.policy.dkim.DkimSignProcessor;
import io.mailgateway.policy.dkim.DkimSigner;
import io.mailgateway.policy.dkim.DnsDkimVerifier;
import io.mailgateway.policy.dmarc.DmarcEvaluator;
import io.mailgateway.policy.dns.DnsResolver;
import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.spf.CachingSpfChecker;
import io.mailgateway.policy.spf.SpfChecker;
import io.mailgateway.policy.spf.SpfEvaluator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mailgateway.smtp.camel.ReceivedHeader;
import io.mailgateway.smtp.camel.SmtpdConsumer;
import io.mailgateway.store.StoreBeans;
import io.mailgateway.store.StoreContext;
import io.mailgateway.store.StoreDeadLetters;
import io.mailgateway.store.StoreJms;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Assembles the running gateway: the embedded broker first, then Camel with the beans the
 * routes use and the YAML routes from ROUTES_DIR. Stopping goes the other way round.
 *
 * <p>Lifecycle: {@link #run()} for the command line (blocks until SIGTERM/SIGINT), or
 * {@link #start()} and {@link #close()} when embedded, as the tests do.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final EmbeddedBroker broker = new EmbeddedBroker();
    private final Main main = new Main();
    private RouteReloader reloader;
    private MetricsServer metricsServer;
    private final List<AutoCloseable> storeResources = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Gateway(GatewayConfig config) {
        this.config = config;
    }

    /** Starts and blocks until the process is told to stop. */
    public void run() throws Exception {
        // On SIGTERM the JVM halts as soon as its shutdown hooks end; Camel's hook ends when the
        // context has stopped, which can be before this thread has finished the steps below.
        // This hook holds the JVM until they are done (bounded).
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        long waitSeconds = config.getInt("SHUTDOWN_TIMEOUT") + 5L;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                finished.await(waitSeconds, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gateway-stop-wait"));
        try {
            prepare();
            main.run();
        } finally {
            // Also after a failed start (port in use...): the broker's threads would keep the JVM alive.
            closeStoreResources();
            stopBroker();
            closeMetrics();
            finished.countDown();
        }
    }

    public Gateway start() throws Exception {
        prepare();
        main.start();
        return this;
    }

    @Override
    public void close() {
        try {
            main.stop();
        } finally {
            closeStoreResources();
            stopBroker();
            closeMetrics();
        }
    }

    /** After Camel's stop, so /metrics answers while messages in flight finish. */
    private void closeMetrics() {
        if (metricsServer != null) {
            metricsServer.close();
            metricsServer = null;
        }
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    public EmbeddedBroker broker() {
        return broker;
    }

    /** The port the SMTP listener of route {@code smtp-inbound} is bound to. */
    public int smtpPort() {
        return ((SmtpdConsumer) camelContext().getRoute("smtp-inbound").getConsumer()).getLocalPort();
    }

    private void prepare() throws Exception {
        Configurator.setLevel("io.mailgateway", Level.valueOf(config.get("LOG_LEVEL")));
        Path dataDir = config.dataDir();
        Files.createDirectories(dataDir);
        cleanSpool(dataDir.resolve("spool"));
        List<String> routeFiles = routeFiles();
        // Signing keys load before anything starts: a missing key file is a startup error.
        DkimSigner dkimSigner = DkimSigner.fromConfig(config);
        broker.start(config.brokerConfig(), dataDir, config.storageTypes(), DeliverySettings.brokerProperties(config),
                config.getInt("BROKER_PORT"));
        broker.logDepths(config.storageTypes(), java.time.Duration.ofSeconds(30));

        main.bind("gatewayConfig", config);
        CachingConnectionFactory connections = connectionFactory();
        main.bind("jms", JmsComponent.jmsComponent(connections));
        // The store routes' consumer (transacted, STORE_CONSUMERS...) on the same factory, so
        // their dead-letter sends through "jms" join the consumer's transaction (StoreJms).
        main.bind("storeJms", StoreJms.component(connections, config.getInt("STORE_CONSUMERS")));
        main.bind("receivedHeader", new ReceivedHeader(config.hostname()));
        // One DNS resolver (and its cache) for everything that asks DNS: SPF, DKIM, DMARC, MX.
        DnsjavaResolver dnsResolver = DnsjavaResolver.fromConfig(config);
        main.bind("dnsResolver", dnsResolver);
        SpfChecker spfChecker = spfChecker(dnsResolver);
        main.bind("spfChecker", spfChecker);
        // Outbound SMTP: next-hop routing and one pooled client shared by every delivery worker.
        NextHops nextHops = NextHops.fromConfig(config, dnsResolver);
        main.bind("nextHops", nextHops);
        SmtpRelayClient relayClient = new SmtpRelayClient(RelaySettings.fromConfig(config));
        main.bind("relayClient", relayClient);
        main.bind("dkimVerifier", DnsDkimVerifier.fromConfig(config, dnsResolver));
        main.bind("dkimSign", new DkimSignProcessor(dkimSigner));
        PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        main.bind("meterRegistry", meterRegistry);
        bindPolicySteps(dnsResolver, spfChecker, new AuthMetrics(meterRegistry));
        main.bind("storeDeadLetter", new StoreDeadLetters(meterRegistry, config.storageTypes()));
        int metricsPort = config.getInt("METRICS_PORT");
        if (metricsPort >= 0) {
            metricsServer = MetricsServer.start(config.get("BIND_ADDRESS"), metricsPort, meterRegistry);
            LOG.info("metrics on http://{}:{}/metrics", config.get("BIND_ADDRESS"), metricsServer.port());
        }
        bindStoreBeans(dataDir);
        bindDeliveryBeans(dataDir, nextHops, relayClient);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(org.apache.camel.main.BaseMainSupport m) {
                CamelContext context = m.getCamelContext();
                MessageContentConverters.register(context);
                // The broker stops as part of Camel's own stop, after the routes: Camel's SIGTERM
                // hook waits for that, while code after main.run() may never run before the JVM halts.
                try {
                    context.addService(new ServiceSupport() {
                        @Override
                        protected void doStop() {
                            closeStoreResources();
                            stopBroker();
                        }
                    }, true, false);
                    if (reloader != null) {
                        context.addService(reloader, true, false);
                    }
                } catch (Exception e) {
                    throw new org.apache.camel.RuntimeCamelException(e);
                }
            }
        });

        Properties props = config.asProperties();
        props.setProperty("camel.main.name", "mail-gateway");
        props.setProperty("camel.main.routesIncludePattern", String.join(",", routeFiles));
        props.setProperty("camel.main.shutdownTimeout", config.get("SHUTDOWN_TIMEOUT"));
        props.setProperty("camel.main.streamCachingSpoolEnabled", "true");
        props.setProperty("camel.main.streamCachingSpoolDirectory", dataDir.resolve("spool").resolve("camel").toString());
        props.setProperty("camel.main.streamCachingSpoolThreshold", config.get("SPOOL_THRESHOLD"));
        Path routesDir = config.routesDir();
        if (config.getBoolean("ROUTES_RELOAD") && routesDir != null) {
            reloader = new RouteReloader(routesDir, routeNames());
        }
        main.setOverrideProperties(props);
        LOG.info("routes: {}; stores: {}; data in {}", routeFiles, config.storageTypes(), dataDir);
    }

    /**
     * The relay onward: "recipientRouter" (LOCAL, RELAY or refused per recipient at RCPT, and the
     * next hops), "acceptedQueue" (the inbound route's one broker write) and "deliver" (route
     * delivery's attempt), on {@link NextHops} and the pooled {@link SmtpRelayClient}.
     */
    private void bindDeliveryBeans(Path dataDir, Router router, RelayClient client) {
        DeliverProcessor deliver = new DeliverProcessor(router, client, RetrySchedule.fromConfig(config), config.hostname(),
                dataDir.resolve("spool"), config.getInt("QUEUE_PARALLEL_WORKERS"), config.getInt("QUEUE_WORKER_THREADS"));
        main.bind("recipientRouter", router);
        main.bind("acceptedQueue", new AcceptedQueue());
        main.bind("deliver", deliver);
        storeResources.add(deliver);
        storeResources.add(client); // closed (QUIT on pooled connections) at shutdown
    }

    /**
     * The mail-authentication steps routes/inbound.camel.yaml refers to: dkimVerify, spfCheck,
     * dmarcCheck, authenticationResults. Each is always bound (so an operator may reorder or
     * remove steps freely) and does nothing while its *_ENABLED switch is false.
     */
    private void bindPolicySteps(DnsjavaResolver dns, SpfChecker spfChecker, AuthMetrics metrics) {
        main.bind("spfCheck", new SpfCheck(config.getBoolean("SPF_CHECK_ENABLED"), spfChecker, metrics));
        main.bind("dkimVerify", new DkimVerify(config.getBoolean("DKIM_VERIFY_ENABLED"), metrics));
        DmarcEvaluator dmarc = new DmarcEvaluator(dns, DmarcEvaluator.parseOverrides(config.get("DMARC_POLICY_OVERRIDE")));
        main.bind("dmarcCheck", new DmarcCheck(config.getBoolean("DMARC_CHECK_ENABLED"), dmarc,
                "tempfail".equals(config.get("DMARC_TEMPERROR_ACTION")), metrics));
        main.bind("authenticationResults", new AuthenticationResults(config.hostname()));
    }

    /** The port of /metrics, or -1 when METRICS_PORT=-1. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    /** inbound, delivery, the stores' error handling, plus one store-NAME route per entry of STORAGE_TYPE. */
    private List<String> routeNames() {
        List<String> names = new ArrayList<>();
        names.add("inbound.camel.yaml");
        names.add("delivery.camel.yaml");
        names.add("store-errors.camel.yaml");
        config.storageTypes().forEach(s -> names.add("store-" + s + ".camel.yaml"));
        return names;
    }

    private List<String> routeFiles() {
        Path dir = config.routesDir();
        List<String> files = new ArrayList<>();
        for (String name : routeNames()) {
            if (dir != null) {
                if (!Files.isRegularFile(dir.resolve(name))) {
                    throw new ConfigException(name.startsWith("store-") ? "STORAGE_TYPE" : "ROUTES_DIR",
                            "no route file " + name + " in " + dir);
                }
                files.add("file:" + dir.resolve(name));
            } else {
                if (Gateway.class.getResource("/routes/" + name) == null) {
                    throw new ConfigException("STORAGE_TYPE", "no packaged route " + name);
                }
                files.add("classpath:routes/" + name);
            }
        }
        return files;
    }

    private CachingConnectionFactory connectionFactory() {
        ActiveMQConnectionFactory broker = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        // One cached session per worker thread: each sends without opening a session.
        CachingConnectionFactory cached = new CachingConnectionFactory(broker);
        cached.setSessionCacheSize(config.getInt("WORKER_THREADS"));
        cached.setCacheConsumers(false);
        return cached;
    }

    /** Our RFC 7208 evaluator on the shared resolver, behind the SPF result cache unless SPF_CACHE_ENABLED=false. */
    private SpfChecker spfChecker(DnsResolver dnsResolver) {
        SpfChecker evaluator = new SpfEvaluator(dnsResolver, config.hostname());
        if (!config.getBoolean("SPF_CACHE_ENABLED")) {
            return evaluator;
        }
        return new CachingSpfChecker(evaluator, config.getInt("SPF_CACHE_MAX_ENTRIES"), config.seconds("SPF_CACHE_TTL"));
    }

    /** Each store in STORAGE_TYPE may bring beans for its route (see {@link StoreBeans}). */
    private void bindStoreBeans(Path dataDir) throws Exception {
        StoreContext context = new StoreContext(config, dataDir, config.hostname(), main::bind, storeResources::add);
        for (String store : config.storageTypes()) {
            Class<?> type;
            try {
                type = Class.forName(StoreBeans.className(store));
            } catch (ClassNotFoundException | NoClassDefFoundError e) {
                continue; // a store made of Camel endpoints only
            }
            ((StoreBeans) type.getDeclaredConstructor().newInstance()).bind(context);
        }
    }

    private void closeStoreResources() {
        for (AutoCloseable resource : storeResources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", resource, e.toString());
            }
        }
        storeResources.clear();
    }

    private static void cleanSpool(Path spool) throws IOException {
        if (!Files.isDirectory(spool)) {
            return;
        }
        // Spool files of a crashed run belong to messages that never got their 250.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(spool, "*.eml")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    private void stopBroker() {
        try {
            broker.stop();
        } catch (Exception e) {
            LOG.warn("broker stop failed: {}", e.toString());
        }
    }
}
