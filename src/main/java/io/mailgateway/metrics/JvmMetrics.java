package io.mailgateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM's and the process's meters (jvm_*, process_*, system_*), bound once per registry.
 * Once matters: the embedded broker could bind its own JVM meters too, and Micrometer's
 * Prometheus registry silently drops a second meter of the same name with other label keys,
 * so the broker's are switched off (broker.BrokerMetrics) and these are the only ones.
 *
 * <p>Lifecycle: {@link #bind} at startup; close what it returns when the gateway stops
 * (JvmGcMetrics listens to GC notifications until closed).
 */
final class JvmMetrics {

    private JvmMetrics() {
    }

    static AutoCloseable bind(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new ProcessMetrics().bindTo(registry);
        return gc;
    }
}
