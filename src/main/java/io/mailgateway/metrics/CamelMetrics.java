package io.mailgateway.metrics;

import io.mailgateway.config.Wiring;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;

/**
 * Camel's own meters for every route, the packaged ones and any an operator adds: camel-main
 * applies each RoutePolicyFactory and EventNotifier bean it finds in the registry to the
 * context, so binding them is all it takes (what {@code camel.metrics.enabled=true} would do,
 * without camel-micrometer-prometheus and the Vert.x server it brings; we serve /metrics ourselves).
 * <ul>
 *   <li>the route policy: {@code camel_exchanges_total}, {@code _succeeded_total}, {@code _failed_total},
 *       {@code camel_exchanges_failures_handled_total}, {@code camel_route_policy_seconds_*} per routeId;</li>
 *   <li>the exchange notifier: {@code camel_exchanges_inflight} per routeId (a gauge on Camel's
 *       inflight repository, kept up to date from route events);</li>
 *   <li>the route notifier: {@code camel_routes_added_routes}, {@code camel_routes_running_routes},
 *       {@code camel_routes_reloaded_routes}.</li>
 * </ul>
 * Each gets our registry explicitly, so none falls back to creating a registry of its own.
 *
 * <p>Both notifiers ignore exchange events. Listening to them, the exchange notifier would also
 * time every send to every endpoint ({@code camel_exchange_event_notifier_seconds}) with a meter
 * lookup per send: measured here, 0.2 to 0.3 ms of CPU per message (about 10%), for series the
 * route timers and our own meters already cover; the route policy costs about a tenth of that
 * (docs/observability.md).
 */
final class CamelMetrics {

    private CamelMetrics() {
    }

    static void bind(Wiring wiring, MeterRegistry registry) {
        MicrometerRoutePolicyFactory routes = new MicrometerRoutePolicyFactory();
        routes.setMeterRegistry(registry);
        wiring.bind("camelRouteMetrics", routes);
        MicrometerExchangeEventNotifier exchanges = new MicrometerExchangeEventNotifier();
        exchanges.setMeterRegistry(registry);
        exchanges.setIgnoreExchangeEvents(true);
        wiring.bind("camelExchangeMetrics", exchanges);
        MicrometerRouteEventNotifier routeEvents = new MicrometerRouteEventNotifier();
        routeEvents.setMeterRegistry(registry);
        routeEvents.setIgnoreExchangeEvents(true);
        wiring.bind("camelRouteEventMetrics", routeEvents);
    }
}
