package io.mailgateway.broker;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.ActiveMQMetricsPlugin;

/**
 * Hands the gateway's meter registry to the embedded broker, so its per-queue gauges
 * ({@code artemis_message_count}, {@code artemis_messages_added}, {@code artemis_messages_acknowledged},
 * ... tagged broker, address, queue) appear on our /metrics. Artemis' own JVM and process meters
 * stay off: the gateway binds those once (metrics.JvmMetrics), and a second binding under other
 * labels would be dropped silently by the Prometheus registry.
 */
final class BrokerMetrics implements ActiveMQMetricsPlugin {

    // Artemis declares plugins Serializable (for its configuration beans); a registry is not, and never leaves this JVM.
    private final transient MeterRegistry registry;

    /**
     * The broker gets a composite in front of ours: Artemis adds a MeterFilter to the registry it
     * is given, and Micrometer warns at every start when a filter comes after the first meter
     * (ours exist by then). On the composite the filter comes first; every meter the broker
     * registers or removes there is registered in or removed from ours just the same.
     */
    private BrokerMetrics(MeterRegistry registry) {
        this.registry = new CompositeMeterRegistry(Clock.SYSTEM, List.of(registry));
    }

    /** Replaces whatever metrics settings broker.xml had: the broker records into {@code registry} or nowhere. */
    static void install(Configuration configuration, MeterRegistry registry) {
        configuration.setMetricsConfiguration(new MetricsConfiguration()
                .setPlugin(new BrokerMetrics(registry))
                .setJvmMemory(false)
                .setJvmGc(false)
                .setJvmThread(false)
                .setFileDescriptors(false)
                .setProcessor(false)
                .setUptime(false)
                .setNettyPool(false)
                .setLogging(false));
    }

    @Override
    public ActiveMQMetricsPlugin init(Map<String, String> options) {
        return this;
    }

    @Override
    public MeterRegistry getRegistry() {
        return registry;
    }
}
