package io.mailgateway.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two process series every Prometheus client library exports and dashboards expect by
 * these exact names: {@code process_cpu_seconds_total} and {@code process_resident_memory_bytes}.
 * Micrometer has neither (its ProcessorMetrics gives {@code process_cpu_time_ns_total} and a
 * usage ratio; its memory meters are the JVM's pools, not what the kernel counts against us).
 * Resident memory comes from /proc, so it is only bound on Linux.
 */
final class ProcessMetrics implements MeterBinder {

    /**
     * VmRSS of /proc/self/status, in kB: the resident pages of /proc/self/statm already multiplied
     * by the page size, which the JDK cannot tell us (4 KiB on x86-64, but 64 KiB on some arm64
     * kernels). Prometheus' own Java client reads the same line.
     */
    static final Path STATUS = Path.of("/proc/self/status");

    @Override
    public void bindTo(MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            // name "process.cpu" + base unit "seconds" comes out as process_cpu_seconds_total
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds")
                    .description("CPU time (user and system) of the gateway's process")
                    .register(registry);
        }
        if (!Double.isNaN(residentBytes())) {
            Gauge.builder("process.resident.memory", ProcessMetrics::residentBytes)
                    .baseUnit("bytes")
                    .description("Resident set size of the gateway's process (VmRSS of /proc/self/status)")
                    .register(registry);
        }
    }

    /** Resident bytes, or NaN where there is no /proc (the gauge is then not bound at all). */
    static double residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:\t  123456 kB"
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted
        }
        return Double.NaN;
    }
}
