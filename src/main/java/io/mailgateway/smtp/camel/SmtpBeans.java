package io.mailgateway.smtp.camel;

import io.mailgateway.config.Capability;
import io.mailgateway.config.ConfigException;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.config.Wiring;
import io.mailgateway.smtp.SmtpMetrics;
import io.mailgateway.smtp.tls.SelfSignedCertificate;
import io.mailgateway.smtp.tls.ServerTls;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listeners' beans. The listeners themselves are the {@code smtpd:} endpoint of the
 * inbound route (found through META-INF/services); it reads the "recipientRouter" bound by
 * delivery, counts into "smtpMetrics", shared by every listener, and takes its certificate
 * from "serverTls" (bound when TLS_ENABLED). "smtpListenerHealth" tells /ready whether every
 * listener's sockets are bound.
 */
public final class SmtpBeans implements Capability {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpBeans.class);

    @Override
    public void bind(Wiring wiring) throws Exception {
        wiring.bind("receivedHeader", new ReceivedHeader(wiring.config().hostname()));
        wiring.bind("smtpMetrics", new SmtpMetrics(wiring.lookup("metricsRegistry", MeterRegistry.class)));
        wiring.bind("smtpListenerHealth", new SmtpListenerHealthCheck());
        wiring.bind("ownListeners", new io.mailgateway.smtp.OwnListeners()); // filled as the listeners bind
        if (wiring.config().getBoolean("TLS_ENABLED")) {
            ServerTls tls = wiring.closeOnStop(serverTls(wiring.config()));
            tls.startReloading(Duration.ofSeconds(wiring.config().getLong("TLS_RELOAD_INTERVAL")));
            wiring.bind("serverTls", tls);
        }
    }

    private static ServerTls serverTls(GatewayConfig config) {
        String cert = config.get("TLS_CERT_FILE");
        String key = config.get("TLS_KEY_FILE");
        Path certFile;
        Path keyFile;
        if (cert.isEmpty()) {
            if (!key.isEmpty()) {
                throw new ConfigException("TLS_CERT_FILE", "TLS_KEY_FILE is set but TLS_CERT_FILE is not");
            }
            Path dir = config.dataDir().resolve("tls");
            if (SelfSignedCertificate.ensure(dir, config.hostname())) {
                LOG.warn("NO TLS CERTIFICATE CONFIGURED: made a SELF-SIGNED one for {} in {}. Fine for STARTTLS between MTAs; "
                        + "mail clients will not trust it: set TLS_CERT_FILE and TLS_KEY_FILE (docs/security.md)", config.hostname(), dir);
            } else {
                LOG.warn("TLS uses the SELF-SIGNED certificate in {} (no TLS_CERT_FILE set)", dir);
            }
            certFile = dir.resolve(ServerTls.SELF_SIGNED_CERT);
            keyFile = dir.resolve(ServerTls.SELF_SIGNED_KEY);
        } else {
            if (key.isEmpty()) {
                throw new ConfigException("TLS_KEY_FILE", "TLS_CERT_FILE is set but TLS_KEY_FILE is not");
            }
            certFile = Path.of(cert);
            keyFile = Path.of(key);
        }
        try {
            return ServerTls.load(certFile, keyFile, Arrays.asList(config.get("TLS_PROTOCOLS").split(",")));
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException(cert.isEmpty() ? "TLS_ENABLED" : "TLS_CERT_FILE",
                    "cannot load " + certFile + " with " + keyFile + ": " + e.getMessage());
        }
    }
}
