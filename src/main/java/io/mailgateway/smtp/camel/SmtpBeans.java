package io.mailgateway.smtp.camel;

import io.mailgateway.config.Capability;
import io.mailgateway.config.Wiring;

/**
 * The SMTP listener's beans. The listener itself is the {@code smtpd:} endpoint of the inbound
 * route (found through META-INF/services); it reads the "recipientRouter" bound by delivery.
 * "smtpListenerHealth" tells /ready whether every listener's socket is bound.
 */
public final class SmtpBeans implements Capability {

    @Override
    public void bind(Wiring wiring) {
        wiring.bind("receivedHeader", new ReceivedHeader(wiring.config().hostname()));
        wiring.bind("smtpListenerHealth", new SmtpListenerHealthCheck());
    }
}
