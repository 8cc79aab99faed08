package io.mailgateway.smtp.camel;

import io.mailgateway.config.GatewayConfig;
import io.mailgateway.message.RecipientRouter;
import io.mailgateway.policy.limits.CidrSet;
import io.mailgateway.policy.limits.ConnectionPolicy;
import io.mailgateway.policy.limits.SharedLimits;
import io.mailgateway.auth.Authenticator;
import io.mailgateway.auth.SenderPolicy;
import io.mailgateway.smtp.ListenerOptions;
import io.mailgateway.smtp.SmtpMetrics;
import io.mailgateway.smtp.TcpOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mailgateway.smtp.SmtpServer;
import io.mailgateway.smtp.SmtpServerSettings;
import io.mailgateway.smtp.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.support.DefaultEndpoint;

/** One SMTP listener; the options mirror the configuration keys of docs/configuration.md. */
@UriEndpoint(scheme = "smtpd", title = "SMTP server", syntax = "smtpd:host:port", consumerOnly = true,
        category = {Category.MAIL})
public class SmtpdEndpoint extends DefaultEndpoint {

    private String host = "127.0.0.1";
    private int port = 2525;
    private String hostname = "localhost";
    private String localDomains = "localhost";
    private long maxMessageSize = 52_428_800;
    private int maxRecipients = 100;
    private int maxErrors = 10;
    private long greetingDelay;
    private long idleTimeout = 300;
    private long connectionTimeout = 300;
    private long sessionMaxLifetime = 1800;
    private int spoolThreshold = 262_144;
    private String spoolDir = "data/spool";
    private int workerThreads;
    private int brokerWriteConcurrency = 200;
    private int backlog = 1024;
    private boolean tcpNoDelay = true;
    private boolean keepAlive = true;
    private long shutdownTimeout = 25;
    // connection policy (docs/policy.md)
    private int maxConnections = 1000;
    private int maxConnectionsPerIp = 20;
    private boolean rateLimitEnabled = true;
    private int rateLimitPerMinute = 1200;
    private int rateLimitBurst = 300;
    private int connectionRateLimitPerMinute;
    private String rateLimitWhitelist = "127.0.0.0/8,::1";
    private long rateLimitCleanupInterval = 60;
    private int rateLimitMaxTracked = 100_000;
    private boolean greylistEnabled;
    private long greylistDelay = 300;
    private long greylistExpiry = 14_400;
    private long greylistPassLifetime = 3_110_400;
    private int greylistMaxEntries = 200_000;
    private boolean greylistPersist = true;
    private String greylistDb = "data/greylist.db";
    private String sessionChecks = "";
    // more listeners of the same route (docs/security.md); -1 = off
    private int submissionPort = -1;
    private int smtpsPort = -1;
    private boolean startTls = true;
    private boolean proxyProtocol;
    private String proxyTrustedNetworks = "127.0.0.0/8,::1/128";
    // socket tuning, pipelining window, relaying (docs/configuration.md)
    private int tcpKeepAliveIdle = 60;
    private int tcpKeepAliveInterval = 10;
    private int tcpKeepAliveCount = 6;
    private int socketRecvBuffer;
    private int socketSendBuffer;
    private int pipelineMaxCommands = 100;
    private boolean queueEnabled = true;

    SmtpdEndpoint(String uri, SmtpdComponent component) {
        super(uri, component);
    }

    void applyDefaults(GatewayConfig c) {
        hostname = c.hostname();
        localDomains = String.join(",", c.localDomains());
        maxMessageSize = c.getLong("SMTP_MAX_MESSAGE_SIZE");
        maxRecipients = c.getInt("SMTP_MAX_RECIPIENTS");
        maxErrors = c.getInt("SMTP_MAX_ERRORS");
        greetingDelay = c.getLong("SMTP_GREETING_DELAY");
        idleTimeout = c.getLong("IDLE_TIMEOUT");
        connectionTimeout = c.getLong("CONNECTION_TIMEOUT");
        sessionMaxLifetime = c.getLong("SESSION_MAX_LIFETIME");
        spoolThreshold = c.getInt("SPOOL_THRESHOLD");
        spoolDir = c.dataDir().resolve("spool").toString();
        workerThreads = c.getInt("WORKER_THREADS");
        brokerWriteConcurrency = c.getInt("BROKER_WRITE_CONCURRENCY");
        backlog = c.getInt("LISTEN_BACKLOG");
        tcpNoDelay = c.getBoolean("TCP_NODELAY");
        keepAlive = c.getBoolean("TCP_KEEPALIVE");
        shutdownTimeout = c.getLong("SHUTDOWN_TIMEOUT");
        maxConnections = c.getInt("MAX_CONNECTIONS");
        maxConnectionsPerIp = c.getInt("MAX_CONNECTIONS_PER_IP");
        rateLimitEnabled = c.getBoolean("RATE_LIMIT_ENABLED");
        rateLimitPerMinute = c.getInt("RATE_LIMIT_PER_MINUTE");
        rateLimitBurst = c.getInt("RATE_LIMIT_BURST");
        connectionRateLimitPerMinute = c.getInt("CONNECTION_RATE_LIMIT_PER_MINUTE");
        rateLimitWhitelist = c.get("RATE_LIMIT_WHITELIST");
        rateLimitCleanupInterval = c.getLong("RATE_LIMIT_CLEANUP_INTERVAL");
        rateLimitMaxTracked = c.getInt("RATE_LIMIT_MAX_TRACKED");
        greylistEnabled = c.getBoolean("GREYLIST_ENABLED");
        greylistDelay = c.getLong("GREYLIST_DELAY");
        greylistExpiry = c.getLong("GREYLIST_EXPIRY");
        greylistPassLifetime = c.getLong("GREYLIST_PASS_LIFETIME");
        greylistMaxEntries = c.getInt("GREYLIST_MAX_ENTRIES");
        greylistPersist = c.getBoolean("GREYLIST_PERSIST");
        greylistDb = c.dataDir().resolve("greylist.db").toString();
        proxyProtocol = c.getBoolean("PROXY_PROTOCOL");
        proxyTrustedNetworks = c.get("PROXY_TRUSTED_NETWORKS");
        tcpKeepAliveIdle = c.getInt("TCP_KEEPALIVE_IDLE");
        tcpKeepAliveInterval = c.getInt("TCP_KEEPALIVE_INTERVAL");
        tcpKeepAliveCount = c.getInt("TCP_KEEPALIVE_COUNT");
        socketRecvBuffer = c.getInt("SOCKET_RECV_BUFFER");
        socketSendBuffer = c.getInt("SOCKET_SEND_BUFFER");
        pipelineMaxCommands = c.getInt("PIPELINE_MAX_COMMANDS");
        queueEnabled = c.getBoolean("QUEUE_ENABLED");
    }

    /** Socket options, pipelining window and relaying of every listener of this endpoint. */
    ListenerOptions listenerOptions() {
        try {
            return new ListenerOptions(new TcpOptions(tcpKeepAliveIdle, tcpKeepAliveInterval, tcpKeepAliveCount,
                    socketRecvBuffer, socketSendBuffer), pipelineMaxCommands, queueEnabled);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("smtpd options: " + e.getMessage(), e);
        }
    }

    /** A fresh policy per start of the listener (it owns a scheduler and the greylist file). */
    ConnectionPolicy connectionPolicy() {
        return connectionPolicy(greylistEnabled, port);
    }

    /**
     * The policy of a submission listener: the same caps and rate limit, never greylisting (a
     * mail client does not retry like an MTA, and its users are authenticated).
     */
    ConnectionPolicy submissionPolicy(int listenerPort) {
        return connectionPolicy(false, listenerPort);
    }

    /** {@code listenerPort} names the listener's buckets in shared limits: the same port on every node shares them. */
    private ConnectionPolicy connectionPolicy(boolean greylist, int listenerPort) {
        CidrSet whitelist;
        try {
            whitelist = CidrSet.parse(rateLimitWhitelist);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("smtpd option rateLimitWhitelist: " + e.getMessage(), e);
        }
        if (maxConnections < 1 || maxConnectionsPerIp < 0 || rateLimitPerMinute < 1 || rateLimitBurst < 1 || connectionRateLimitPerMinute < 0
                || rateLimitCleanupInterval < 1 || rateLimitMaxTracked < 1 || greylistMaxEntries < 1) {
            throw new IllegalArgumentException("smtpd limits: maxConnections, rateLimit* and greylistMaxEntries must be positive "
                    + "(maxConnectionsPerIp and connectionRateLimitPerMinute: 0 means none)");
        }
        return new ConnectionPolicy(new ConnectionPolicy.Limits(maxConnections, maxConnectionsPerIp,
                rateLimitEnabled, rateLimitPerMinute, rateLimitBurst, connectionRateLimitPerMinute, whitelist,
                Duration.ofSeconds(rateLimitCleanupInterval), rateLimitMaxTracked,
                greylist, Duration.ofSeconds(greylistDelay), Duration.ofSeconds(greylistExpiry),
                Duration.ofSeconds(greylistPassLifetime), greylistMaxEntries, greylistPersist ? Path.of(greylistDb) : null),
                metricsRegistry(), sharedLimits(), String.valueOf(listenerPort));
    }

    /** The rate-limit buckets and greylist shared by several nodes (bean "sharedLimits", CACHE_BACKEND=redis), or null: in memory. */
    private SharedLimits sharedLimits() {
        return getCamelContext().getRegistry().lookupByNameAndType("sharedLimits", SharedLimits.class);
    }

    /** The gateway's meter registry (bean "metricsRegistry"); a throwaway one for a context without it. */
    private MeterRegistry metricsRegistry() {
        MeterRegistry registry = getCamelContext().getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        return registry != null ? registry : new SimpleMeterRegistry();
    }

    /** The listener meters shared by every listener (bean "smtpMetrics"), or meters of its own. */
    SmtpMetrics metrics() {
        SmtpMetrics metrics = getCamelContext().getRegistry().lookupByNameAndType("smtpMetrics", SmtpMetrics.class);
        return metrics != null ? metrics : new SmtpMetrics(metricsRegistry());
    }

    SmtpServerSettings serverSettings() {
        return new SmtpServerSettings(hostname,
                Arrays.stream(localDomains.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                maxMessageSize, maxRecipients, maxErrors,
                Duration.ofSeconds(idleTimeout), Duration.ofSeconds(connectionTimeout), Duration.ofSeconds(sessionMaxLifetime),
                Duration.ofMillis(greetingDelay),
                Path.of(spoolDir), spoolThreshold, relayedRecipient());
    }

    /**
     * The recipient router bound by the gateway (bean "recipientRouter", the delivery package's
     * next-hop routing) decides LOCAL or RELAY per recipient; without one (null) the listener
     * takes its local domains only.
     */
    private RecipientRouter relayedRecipient() {
        return getCamelContext().getRegistry().lookupByNameAndType("recipientRouter", RecipientRouter.class);
    }

    /**
     * The session-phase checks named in {@code sessionChecks} (registry beans, each a ConnectCheck,
     * HeloCheck, MailCheck or RcptCheck), in that order; they run after the connection limits.
     */
    List<Object> sessionChecks() {
        List<Object> checks = new ArrayList<>();
        for (String name : sessionChecks.split(",")) {
            if (!name.isBlank()) {
                Object check = getCamelContext().getRegistry().lookupByName(name.strip());
                if (check == null) {
                    throw new IllegalArgumentException("smtpd option sessionChecks: no bean named '" + name.strip() + "'");
                }
                checks.add(check);
            }
        }
        return checks;
    }

    /** With proxyProtocol, the peers that may send a PROXY header (PROXY_TRUSTED_NETWORKS); null without. */
    CidrSet trustedProxies() {
        if (!proxyProtocol) {
            return null;
        }
        try {
            return CidrSet.parse(proxyTrustedNetworks);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("smtpd option proxyTrustedNetworks: " + e.getMessage(), e);
        }
    }

    SmtpServer.Socket socket() {
        return socket(port);
    }

    SmtpServer.Socket socket(int listenPort) {
        // WORKER_THREADS 0: one event loop per core (Netty's own 0 would mean two per core)
        int eventLoops = workerThreads > 0 ? workerThreads : Runtime.getRuntime().availableProcessors();
        return new SmtpServer.Socket(host, listenPort, eventLoops, backlog, tcpNoDelay, keepAlive);
    }

    /** The users (beans "authenticator" and "senderPolicy", bound by AuthBeans), or null: no AUTH. */
    SmtpServer.Auth auth() {
        Authenticator authenticator = getCamelContext().getRegistry().lookupByNameAndType("authenticator", Authenticator.class);
        SenderPolicy senders = getCamelContext().getRegistry().lookupByNameAndType("senderPolicy", SenderPolicy.class);
        return authenticator == null || senders == null ? null : new SmtpServer.Auth(authenticator, senders);
    }

    /** The certificate bound as "serverTls" (TLS_ENABLED), or null. */
    ServerTls serverTls() {
        return getCamelContext().getRegistry().lookupByNameAndType("serverTls", ServerTls.class);
    }

    public int getSubmissionPort() { return submissionPort; }
    public void setSubmissionPort(int submissionPort) { this.submissionPort = submissionPort; }
    public int getSmtpsPort() { return smtpsPort; }
    public void setSmtpsPort(int smtpsPort) { this.smtpsPort = smtpsPort; }
    public boolean isProxyProtocol() { return proxyProtocol; }
    public void setProxyProtocol(boolean proxyProtocol) { this.proxyProtocol = proxyProtocol; }
    /** CIDR list of the proxies whose PROXY header is believed (PROXY_TRUSTED_NETWORKS). */
    public String getProxyTrustedNetworks() { return proxyTrustedNetworks; }
    public void setProxyTrustedNetworks(String proxyTrustedNetworks) { this.proxyTrustedNetworks = proxyTrustedNetworks; }
    /** Seconds before the first keep-alive probe (TCP_KEEPALIVE_IDLE); 0: the kernel's. */
    public int getTcpKeepAliveIdle() { return tcpKeepAliveIdle; }
    public void setTcpKeepAliveIdle(int tcpKeepAliveIdle) { this.tcpKeepAliveIdle = tcpKeepAliveIdle; }
    public int getTcpKeepAliveInterval() { return tcpKeepAliveInterval; }
    public void setTcpKeepAliveInterval(int tcpKeepAliveInterval) { this.tcpKeepAliveInterval = tcpKeepAliveInterval; }
    public int getTcpKeepAliveCount() { return tcpKeepAliveCount; }
    public void setTcpKeepAliveCount(int tcpKeepAliveCount) { this.tcpKeepAliveCount = tcpKeepAliveCount; }
    /** SO_RCVBUF of accepted connections in octets; 0: the kernel's autotuning. */
    public int getSocketRecvBuffer() { return socketRecvBuffer; }
    public void setSocketRecvBuffer(int socketRecvBuffer) { this.socketRecvBuffer = socketRecvBuffer; }
    public int getSocketSendBuffer() { return socketSendBuffer; }
    public void setSocketSendBuffer(int socketSendBuffer) { this.socketSendBuffer = socketSendBuffer; }
    /** Pipelined commands taken before input pauses until their replies are written. */
    public int getPipelineMaxCommands() { return pipelineMaxCommands; }
    public void setPipelineMaxCommands(int pipelineMaxCommands) { this.pipelineMaxCommands = pipelineMaxCommands; }
    /** false: no delivery queue, relayed recipients get 550 5.7.1 at RCPT (QUEUE_ENABLED). */
    public boolean isQueueEnabled() { return queueEnabled; }
    public void setQueueEnabled(boolean queueEnabled) { this.queueEnabled = queueEnabled; }
    public boolean isStartTls() { return startTls; }
    public void setStartTls(boolean startTls) { this.startTls = startTls; }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        Consumer consumer = new SmtpdConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("smtpd is a listener; use the jms or mail components to send");
    }

    @Override
    public boolean isSingleton() {
        return true;
    }

    public String getHost() { return host; }
    public void setHost(String host) { this.host = host; }
    public int getPort() { return port; }
    public void setPort(int port) { this.port = port; }
    public String getHostname() { return hostname; }
    public void setHostname(String hostname) { this.hostname = hostname; }
    public String getLocalDomains() { return localDomains; }
    public void setLocalDomains(String localDomains) { this.localDomains = localDomains; }
    public long getMaxMessageSize() { return maxMessageSize; }
    public void setMaxMessageSize(long maxMessageSize) { this.maxMessageSize = maxMessageSize; }
    public int getMaxRecipients() { return maxRecipients; }
    public void setMaxRecipients(int maxRecipients) { this.maxRecipients = maxRecipients; }
    public int getMaxErrors() { return maxErrors; }
    public void setMaxErrors(int maxErrors) { this.maxErrors = maxErrors; }
    /** Milliseconds before the greeting. */
    public long getGreetingDelay() { return greetingDelay; }
    public void setGreetingDelay(long greetingDelay) { this.greetingDelay = greetingDelay; }
    /** Seconds without input, no transaction in progress, before 421 (IDLE_TIMEOUT). */
    public long getIdleTimeout() { return idleTimeout; }
    public void setIdleTimeout(long idleTimeout) { this.idleTimeout = idleTimeout; }
    /** Seconds without input within a command or mail transaction before 421 (CONNECTION_TIMEOUT, RFC 5321 4.5.3.2). */
    public long getConnectionTimeout() { return connectionTimeout; }
    public void setConnectionTimeout(long connectionTimeout) { this.connectionTimeout = connectionTimeout; }
    /** Longest session in seconds (SESSION_MAX_LIFETIME). */
    public long getSessionMaxLifetime() { return sessionMaxLifetime; }
    public void setSessionMaxLifetime(long sessionMaxLifetime) { this.sessionMaxLifetime = sessionMaxLifetime; }
    public int getSpoolThreshold() { return spoolThreshold; }
    /** At least 1024, as SPOOL_THRESHOLD: a message buffer starts at 1 KiB and may not start past its bound. */
    public void setSpoolThreshold(int spoolThreshold) {
        if (spoolThreshold < 1024) {
            throw new IllegalArgumentException("smtpd option spoolThreshold must be at least 1024 octets, got " + spoolThreshold);
        }
        this.spoolThreshold = spoolThreshold;
    }
    public String getSpoolDir() { return spoolDir; }
    public void setSpoolDir(String spoolDir) { this.spoolDir = spoolDir; }
    /** Netty worker event loops of the listener, 0 for one per CPU core (WORKER_THREADS). */
    public int getWorkerThreads() { return workerThreads; }
    public void setWorkerThreads(int workerThreads) { this.workerThreads = workerThreads; }
    /** Route threads: messages at end of data in checks or their durable write at once (BROKER_WRITE_CONCURRENCY). */
    public int getBrokerWriteConcurrency() { return brokerWriteConcurrency; }
    public void setBrokerWriteConcurrency(int brokerWriteConcurrency) { this.brokerWriteConcurrency = brokerWriteConcurrency; }
    public int getBacklog() { return backlog; }
    public void setBacklog(int backlog) { this.backlog = backlog; }
    public boolean isTcpNoDelay() { return tcpNoDelay; }
    public void setTcpNoDelay(boolean tcpNoDelay) { this.tcpNoDelay = tcpNoDelay; }
    public boolean isKeepAlive() { return keepAlive; }
    public void setKeepAlive(boolean keepAlive) { this.keepAlive = keepAlive; }
    public long getShutdownTimeout() { return shutdownTimeout; }
    public void setShutdownTimeout(long shutdownTimeout) { this.shutdownTimeout = shutdownTimeout; }

    /** Most open sessions on this listener (MAX_CONNECTIONS). */
    public int getMaxConnections() { return maxConnections; }
    public void setMaxConnections(int maxConnections) { this.maxConnections = maxConnections; }
    /** Most open sessions per IPv4 address or IPv6 /64; 0 for no cap (MAX_CONNECTIONS_PER_IP). */
    public int getMaxConnectionsPerIp() { return maxConnectionsPerIp; }
    public void setMaxConnectionsPerIp(int maxConnectionsPerIp) { this.maxConnectionsPerIp = maxConnectionsPerIp; }
    public boolean isRateLimitEnabled() { return rateLimitEnabled; }
    public void setRateLimitEnabled(boolean rateLimitEnabled) { this.rateLimitEnabled = rateLimitEnabled; }
    /** Messages per minute per client (RATE_LIMIT_PER_MINUTE); bucket size rateLimitBurst. */
    public int getRateLimitPerMinute() { return rateLimitPerMinute; }
    public void setRateLimitPerMinute(int rateLimitPerMinute) { this.rateLimitPerMinute = rateLimitPerMinute; }
    public int getRateLimitBurst() { return rateLimitBurst; }
    public void setRateLimitBurst(int rateLimitBurst) { this.rateLimitBurst = rateLimitBurst; }
    /** New connections per minute per client, 0 for no limit (CONNECTION_RATE_LIMIT_PER_MINUTE). */
    public int getConnectionRateLimitPerMinute() { return connectionRateLimitPerMinute; }
    public void setConnectionRateLimitPerMinute(int connectionRateLimitPerMinute) { this.connectionRateLimitPerMinute = connectionRateLimitPerMinute; }
    /** CIDR list exempt from the per-IP cap, rate limit and greylisting. */
    public String getRateLimitWhitelist() { return rateLimitWhitelist; }
    public void setRateLimitWhitelist(String rateLimitWhitelist) { this.rateLimitWhitelist = rateLimitWhitelist; }
    /** Seconds between sweeps of idle rate-limit buckets and expired greylist triplets. */
    public long getRateLimitCleanupInterval() { return rateLimitCleanupInterval; }
    public void setRateLimitCleanupInterval(long rateLimitCleanupInterval) { this.rateLimitCleanupInterval = rateLimitCleanupInterval; }
    public int getRateLimitMaxTracked() { return rateLimitMaxTracked; }
    public void setRateLimitMaxTracked(int rateLimitMaxTracked) { this.rateLimitMaxTracked = rateLimitMaxTracked; }
    public boolean isGreylistEnabled() { return greylistEnabled; }
    public void setGreylistEnabled(boolean greylistEnabled) { this.greylistEnabled = greylistEnabled; }
    /** Seconds a new triplet must wait before its retry passes. */
    public long getGreylistDelay() { return greylistDelay; }
    public void setGreylistDelay(long greylistDelay) { this.greylistDelay = greylistDelay; }
    /** Seconds an unretried triplet is remembered. */
    public long getGreylistExpiry() { return greylistExpiry; }
    public void setGreylistExpiry(long greylistExpiry) { this.greylistExpiry = greylistExpiry; }
    /** Seconds a passed triplet keeps passing, renewed on each use. */
    public long getGreylistPassLifetime() { return greylistPassLifetime; }
    public void setGreylistPassLifetime(long greylistPassLifetime) { this.greylistPassLifetime = greylistPassLifetime; }
    public int getGreylistMaxEntries() { return greylistMaxEntries; }
    public void setGreylistMaxEntries(int greylistMaxEntries) { this.greylistMaxEntries = greylistMaxEntries; }
    public boolean isGreylistPersist() { return greylistPersist; }
    public void setGreylistPersist(boolean greylistPersist) { this.greylistPersist = greylistPersist; }
    /** SQLite file of the greylist ($DATA_DIR/greylist.db). */
    public String getGreylistDb() { return greylistDb; }
    public void setGreylistDb(String greylistDb) { this.greylistDb = greylistDb; }
    /** Bean names of extra session-phase policy checks, comma-separated, run in order after the limits (docs/policy.md). */
    public String getSessionChecks() { return sessionChecks; }
    public void setSessionChecks(String sessionChecks) { this.sessionChecks = sessionChecks; }
}
