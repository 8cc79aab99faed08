package io.mailgateway;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.auth.AuthBeans;
import io.mailgateway.broker.BrokerBeans;
import io.mailgateway.broker.BrokerHealthCheck;
import io.mailgateway.broker.DeliverySettings;
import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.broker.QueueGauges;
import io.mailgateway.config.Capability;
import io.mailgateway.config.ConfigException;
import io.mailgateway.config.EffectiveConfig;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.config.Logging;
import io.mailgateway.config.RouteReloader;
import io.mailgateway.config.Wiring;
import io.mailgateway.delivery.DeliveryBeans;
import io.mailgateway.fetch.FetchBeans;
import io.mailgateway.message.MessageContentConverters;
import io.mailgateway.metrics.HttpEndpoints;
import io.mailgateway.metrics.MetricsBeans;
import io.mailgateway.policy.PolicyBeans;
import io.mailgateway.policy.scan.ScanBeans;
import io.mailgateway.smtp.camel.SmtpBeans;
import io.mailgateway.smtp.camel.SmtpdConsumer;
import io.mailgateway.store.StoreBeans;
import io.mailgateway.store.StoreContext;
import io.mailgateway.store.StoresBeans;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private HttpEndpoints http;
    /** Pools, clients and writers the capabilities opened; closed after the routes, before the broker. */
    private final List<AutoCloseable> resources = new java.util.concurrent.CopyOnWriteArrayList<>();

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
            closeResources();
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
            closeResources();
            stopBroker();
            closeMetrics();
        }
    }

    /** After Camel's stop, so /metrics and /health answer while messages in flight finish. */
    private void closeMetrics() {
        if (http != null) {
            http.close();
            http = null;
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
        return inbound().getLocalPort();
    }

    /** The submission port of route {@code smtp-inbound}, or -1 when off. */
    public int submissionPort() {
        return inbound().getSubmissionPort();
    }

    /** The SMTPS (implicit TLS) port of route {@code smtp-inbound}, or -1 when off. */
    public int smtpsPort() {
        return inbound().getSmtpsPort();
    }

    private SmtpdConsumer inbound() {
        return (SmtpdConsumer) camelContext().getRoute("smtp-inbound").getConsumer();
    }

    /**
     * The capabilities in the order their beans depend on each other (metrics before the
     * policy's counters, policy's DNS resolver before delivery's MX lookups, AUTH's authenticator
     * before the SMTP session that calls it); each store in STORAGE_TYPE comes after them
     * ({@link StoreBeans}; the SQL store shares the database AUTH opened).
     */
    private static List<Capability> capabilities() {
        return List.of(new MetricsBeans(), new BrokerBeans(), new StoresBeans(), new PolicyBeans(), new ScanBeans(), new AuthBeans(),
                new SmtpBeans(), new DeliveryBeans(), new FetchBeans());
    }

    private void prepare() throws Exception {
        Logging.apply(config);
        LOG.info("{}", EffectiveConfig.describe(config));
        for (io.mailgateway.config.ConfigNotice notice : config.notices()) {
            if (notice.warning()) {
                LOG.warn("configuration: {}", notice.text());
            } else {
                LOG.info("configuration: {}", notice.text());
            }
        }
        if (config.getInt("NODE_ID") != 0) {
            io.mailgateway.message.QueueIds.useNode(config.getInt("NODE_ID"));
        }
        Path dataDir = config.dataDir();
        Files.createDirectories(dataDir);
        // First, before anything in DATA_DIR is touched: a second gateway on the same DATA_DIR is
        // refused here, before its spool cleanup deletes the running one's messages in progress.
        broker.lockDataDir(dataDir);
        cleanSpool(dataDir.resolve("spool"));
        List<String> routeFiles = routeFiles();
        // Beans first: a bad key file or database URL stops the start before the broker runs.
        Wiring wiring = new Wiring(config, main::bind, resources::add);
        for (Capability capability : capabilities()) {
            capability.bind(wiring);
        }
        bindStoreBeans(wiring);
        PrometheusMeterRegistry metrics = wiring.lookup("metricsRegistry", PrometheusMeterRegistry.class);
        broker.recordMetricsInto(metrics);
        broker.checkBeforeStart(brokerConfig -> io.mailgateway.policy.limits.DiskSpaceGuard.requireBeforeBroker(
                config.getInt("DISK_MAX_USAGE"), config.getLong("DISK_MIN_FREE"), brokerConfig.getMaxDiskUsage(),
                brokerConfig.getMinDiskFree()));
        broker.start(config.brokerConfig(), dataDir, config.storageTypes(), DeliverySettings.brokerProperties(config),
                config.getInt("BROKER_PORT"), wiring.lookup("brokerCredentials", AdminCredentials.class),
                io.mailgateway.broker.ClusterSettings.from(config));
        broker.logDepths(config.storageTypes(), java.time.Duration.ofSeconds(30));
        QueueGauges.register(metrics, broker, config.storageTypes());
        wiring.lookup("accepted", io.mailgateway.broker.AcceptedComponent.class).controlInflow(
                io.mailgateway.broker.StoreBacklog.of(broker, config.storageTypes(), config.getInt("STORE_BACKLOG_LIMIT"),
                        config.duration("IN_FLOW_DELAY"), metrics));
        if (config.getBoolean("BACKUP_ENABLED")) {
            // First in the close list: a backup under way finishes before the pool and the broker close.
            resources.add(0, io.mailgateway.backup.BackupSchedule.start(config, wiring.lookup("brokerCredentials", AdminCredentials.class)));
        }
        main.bind("gatewayConfig", config);
        main.bind("brokerHealth", new BrokerHealthCheck(broker));
        http = HttpEndpoints.start(config, metrics, main::getCamelContext);
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
                            closeResources();
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
        // Camel's own placeholder summary would print every value again, URLs with their
        // passwords included; the effective configuration above is complete and masked.
        props.setProperty("camel.main.autoConfigurationLogSummary", "false");
        props.setProperty("camel.main.routesIncludePattern", String.join(",", routeFiles));
        props.setProperty("camel.main.shutdownTimeout", config.get("SHUTDOWN_TIMEOUT"));
        props.setProperty("camel.main.streamCachingSpoolEnabled", "true");
        props.setProperty("camel.main.streamCachingSpoolDirectory", dataDir.resolve("spool").resolve("camel").toString());
        props.setProperty("camel.main.streamCachingSpoolThreshold", config.get("SPOOL_THRESHOLD"));
        // /ready: the context, every route and consumer (operators' own too) and the HealthCheck
        // beans of the capabilities (registry), through camel-health (metrics.Readiness).
        props.setProperty("camel.health.enabled", "true");
        props.setProperty("camel.health.routesEnabled", "true");
        props.setProperty("camel.health.consumersEnabled", "true");
        props.setProperty("camel.health.registryEnabled", "true");
        // Every check in the answer, UP ones too (Camel's "default" lists only the DOWN ones).
        props.setProperty("camel.health.exposureLevel", "full");
        Path routesDir = config.routesDir();
        if (config.getBoolean("ROUTES_RELOAD") && routesDir != null) {
            reloader = new RouteReloader(routesDir, routeNames());
        }
        String reloadWarning = routesReloadWarning(config.getBoolean("ROUTES_RELOAD"), routesDir);
        if (reloadWarning != null) {
            LOG.warn(reloadWarning);
        }
        main.setOverrideProperties(props);
        LOG.info("routes: {}; stores: {}; data in {}", routeFiles, config.storageTypes(), dataDir);
    }

    /**
     * ROUTES_RELOAD watches route files on disk; the packaged routes are in the jar, where nothing
     * changes, so with them it does nothing: said at start rather than silently. Null when it applies.
     */
    static String routesReloadWarning(boolean reload, Path routesDir) {
        return reload && routesDir == null ? "ROUTES_RELOAD=true does nothing: the routes packaged in the jar are in use"
                + " (no ROUTES_DIR and no ./routes); set ROUTES_DIR to a copy of the routes to edit and reload them" : null;
    }

    /** The port of the status endpoints (/, /stats, /health, /ready), or -1 when HTTP_PORT=-1. */
    public int httpPort() {
        return http == null ? -1 : http.httpPort();
    }

    /** The port of /metrics, or -1 when METRICS_PORT=-1. */
    public int metricsPort() {
        return http == null ? -1 : http.metricsPort();
    }

    /**
     * inbound, delivery, the stores' error handling, plus one store-NAME route per entry of
     * STORAGE_TYPE, plus every fetch-*.camel.yaml in ROUTES_DIR: a fetch route runs when its
     * file is there (none is packaged; docs/examples/fetch-imap.camel.yaml is the template).
     */
    private List<String> routeNames() {
        List<String> names = new ArrayList<>();
        names.add("inbound.camel.yaml");
        names.add("delivery.camel.yaml");
        names.add("store-errors.camel.yaml");
        config.storageTypes().forEach(s -> names.add("store-" + s + ".camel.yaml"));
        Path dir = config.routesDir();
        if (dir != null) {
            try (DirectoryStream<Path> fetch = Files.newDirectoryStream(dir, "fetch-*.camel.yaml")) {
                List<String> found = new ArrayList<>();
                fetch.forEach(f -> found.add(f.getFileName().toString()));
                found.sort(null);
                names.addAll(found);
            } catch (IOException e) {
                throw new ConfigException("ROUTES_DIR", "cannot list " + dir + ": " + e.getMessage());
            }
        }
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

    /** Each store in STORAGE_TYPE may bring beans for its route (see {@link StoreBeans}). */
    private void bindStoreBeans(Wiring wiring) throws Exception {
        StoreContext context = new StoreContext(config, config.dataDir(), config.hostname(), wiring.registry(), wiring.closeList(),
                wiring::find);
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

    private void closeResources() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", resource, e.toString());
            }
        }
        resources.clear();
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
