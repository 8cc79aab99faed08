package io.mailgateway.smtp.camel;

import io.mailgateway.config.Capability;
import io.mailgateway.config.Wiring;
import io.mailgateway.smtp.SmtpMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The SMTP listener's beans. The listener itself is the {@code smtpd:} endpoint of the inbound
 * route (found through META-INF/services); it reads the "recipientRouter" bound by delivery
 * and counts into "smtpMetrics", shared by every listener. "smtpListenerHealth" tells /ready
 * whether every listener's socket is bound.
 */
public final class SmtpBeans implements Capability {

    @Override
    public void bind(Wiring wiring) {
        wiring.bind("receivedHeader", new ReceivedHeader(wiring.config().hostname()));
        wiring.bind("smtpMetrics", new SmtpMetrics(wiring.lookup("metricsRegistry", MeterRegistry.class)));
        wiring.bind("smtpListenerHealth", new SmtpListenerHealthCheck());
    }
}
