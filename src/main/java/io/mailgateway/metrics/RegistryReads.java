package io.mailgateway.metrics;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;

/**
 * Reads meters by the names docs/observability.md gives them (the Prometheus names, e.g.
 * {@code smtp_messages_received_total}), whatever Micrometer name they were registered under
 * ({@code smtp.messages.received}): dots become underscores and the {@code _total} and
 * {@code _seconds} suffixes, which the Prometheus naming convention adds, are ignored on both
 * sides. A meter that is absent reads 0, so /stats has the same shape before the first message.
 */
final class RegistryReads {

    private final MeterRegistry registry;

    RegistryReads(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Every meter of that name, whatever its tags. */
    List<Meter> meters(String name) {
        String wanted = normalize(name);
        return registry.getMeters().stream().filter(m -> normalize(m.getId().getName()).equals(wanted)).toList();
    }

    /** The value of a counter or gauge summed over its tags; 0 when absent. */
    double sum(String name) {
        return meters(name).stream().mapToDouble(RegistryReads::value).sum();
    }

    /** The counter or gauge of that name and tag value; 0 when absent. */
    double value(String name, String tag, String tagValue) {
        return meters(name).stream().filter(m -> tagValue.equals(m.getId().getTag(tag)))
                .mapToDouble(RegistryReads::value).sum();
    }

    /** Value by tag value, sorted by tag value (meters without the tag are left out). */
    Map<String, Double> byTag(String name, String tag) {
        Map<String, Double> values = new TreeMap<>();
        for (Meter m : meters(name)) {
            String v = m.getId().getTag(tag);
            if (v != null) {
                values.merge(v, value(m), Double::sum);
            }
        }
        return values;
    }

    /** First measurement: COUNT of a counter, VALUE of a gauge. NaN (a gauge whose object is gone) reads 0. */
    private static double value(Meter meter) {
        double v = StreamSupport.stream(meter.measure().spliterator(), false)
                .mapToDouble(Measurement::getValue).findFirst().orElse(0);
        return Double.isFinite(v) ? v : 0;
    }

    static String normalize(String name) {
        String n = name.replace('.', '_');
        n = strip(n, "_total");
        return strip(n, "_seconds");
    }

    private static String strip(String name, String suffix) {
        return name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name;
    }
}
