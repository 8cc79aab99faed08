package io.mailgateway.smtp.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS for every SMTP listener: one Netty {@link SslContext} from a PEM
 * certificate chain and key (TLS_CERT_FILE, TLS_KEY_FILE), OpenSSL through netty-tcnative
 * when it is on the class path, the JDK's provider otherwise. TLS 1.2 and 1.3 only (RFC 8996
 * retired 1.0 and 1.1). A renewed certificate (certbot, acme.sh) is picked up without a
 * restart: the files are checked every TLS_RELOAD_INTERVAL seconds and new connections get
 * the new context; a broken renewal, or a key that is not the certificate's, is logged and the
 * old context keeps serving. Only forward-secret AEAD suites; TLS 1.2 renegotiation asked for by
 * a client is refused.
 *
 * <p>Lifecycle: {@link #load}, {@link #startReloading}, {@link #newHandler} from any thread,
 * {@link #close}.
 */
public final class ServerTls implements AutoCloseable {

    public static final String SELF_SIGNED_CERT = "selfsigned-cert.pem";
    public static final String SELF_SIGNED_KEY = "selfsigned-key.pem";
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    /** Read by the JDK's TLS engine once, at the first server handshake of the process. */
    static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    /**
     * TLS 1.3 suites, then TLS 1.2 with ephemeral key exchange and AEAD only (Mozilla's
     * "intermediate" list): no static-RSA key exchange (no forward secrecy), no CBC. Those the
     * provider lacks are left out.
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");

    static {
        refuseClientRenegotiation();
    }

    private final Path certFile;
    private final Path keyFile;
    private final List<String> protocols;
    private volatile SslContext context;
    private volatile long stamp;
    private ScheduledExecutorService reloader;

    private ServerTls(Path certFile, Path keyFile, List<String> protocols) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.protocols = protocols;
    }

    /**
     * TLS 1.2 renegotiation started by a client is a full handshake (key exchange, signature) on
     * demand, on a connection admitted and counted once: the JDK's engine allows it unless this
     * property is true, and reads it once, at the first server handshake of the process. Set here
     * (this class is initialized before any listener takes a connection) and first thing in main;
     * a value set by the operator (-D) stays. OpenSSL (netty-tcnative) refuses it anyway.
     */
    public static void refuseClientRenegotiation() {
        if (System.getProperty(REJECT_RENEGOTIATION) == null) {
            System.setProperty(REJECT_RENEGOTIATION, "true");
        }
    }

    /** Loads the context now: a missing or broken file, or a key that is not the certificate's, stops the start with its reason. */
    public static ServerTls load(Path certFile, Path keyFile, List<String> protocols) throws SSLException {
        ServerTls tls = new ServerTls(certFile, keyFile, protocols);
        tls.stamp = tls.stampOfFiles();
        tls.context = tls.build();
        return tls;
    }

    public void startReloading(Duration every) {
        if (every.isZero() || every.isNegative()) {
            return;
        }
        reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tls-reload");
            t.setDaemon(true);
            return t;
        });
        reloader.scheduleWithFixedDelay(this::reloadIfChanged, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Rebuilds the context when either file changed; @return true if a new context serves now. */
    public boolean reloadIfChanged() {
        long now = stampOfFiles();
        if (now == stamp) {
            return false;
        }
        try {
            context = build();
            stamp = now;
            LOG.info("TLS certificate reloaded from {}", certFile);
            return true;
        } catch (SSLException | RuntimeException e) {
            // e.g. certbot's hook between its two copies (new certificate, old key): try again at the next check
            LOG.warn("TLS certificate {} changed but cannot be loaded, the previous one keeps serving: {}", certFile, e.toString());
            return false;
        }
    }

    /**
     * A handler for one connection. {@code startTls}: the first write (the "220 Ready to start
     * TLS" reply) still goes out in clear, as RFC 3207 wants.
     */
    public SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
        return new SslHandler(context.newEngine(alloc), startTls);
    }

    public Path certFile() {
        return certFile;
    }

    private SslContext build() throws SSLException {
        KeyPairCheck.check(certFile, keyFile);
        return SslContextBuilder.forServer(certFile.toFile(), keyFile.toFile())
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols(protocols)
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .build();
    }

    private long stampOfFiles() {
        try {
            return Files.getLastModifiedTime(certFile).toMillis() * 31 + Files.getLastModifiedTime(keyFile).toMillis()
                    + Files.size(certFile) + Files.size(keyFile);
        } catch (java.io.IOException e) {
            return stamp; // a file being replaced: keep what serves
        }
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }
}
