package io.mailgateway.smtp.camel;

import io.mailgateway.metrics.ReadinessCheck;
import java.util.List;
import java.util.Map;
import org.apache.camel.Route;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: every {@code smtpd:} listener of the context (the inbound route's and any an
 * operator added) has its sockets bound: MX, and submission and SMTPS when opened. Camel's own route check sees a started route; this one
 * sees the port, which is what a client connects to.
 */
public final class SmtpListenerHealthCheck extends ReadinessCheck {

    public SmtpListenerHealthCheck() {
        super("smtp-listener");
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<Route> listeners = getCamelContext().getRoutes().stream()
                .filter(r -> r.getConsumer() instanceof SmtpdConsumer)
                .toList();
        List<String> unbound = listeners.stream()
                .filter(r -> !((SmtpdConsumer) r.getConsumer()).isListening())
                .map(Route::getRouteId)
                .toList();
        builder.detail("listeners", listeners.size());
        if (listeners.isEmpty()) {
            builder.message("no SMTP listener in any route").down();
        } else if (!unbound.isEmpty()) {
            builder.message("SMTP listener not bound in route(s) " + unbound).down();
        } else {
            builder.up();
        }
    }
}
