package io.mailgateway.store;

import io.mailgateway.metrics.SharedMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The step of {@code routes/store-errors.camel.yaml} (bean {@code storeFailure}) for a transient
 * store failure: counts it in {@code smtp_errors_total{kind="store"}} and leaves the exception in
 * place, so the route still fails, the JMS transaction rolls back and the broker redelivers.
 * (Per-store figures are Camel's {@code camel_exchanges_failed_total{routeId="store-NAME"}}.)
 */
public final class StoreFailureCounter implements Processor {

    private final Counter failures;

    public StoreFailureCounter(MeterRegistry registry) {
        this.failures = SharedMeters.errors(registry, SharedMeters.ErrorKind.STORE);
    }

    @Override
    public void process(Exchange exchange) {
        count();
    }

    /** One transient store failure (a batch consumer's failed batch). */
    public void count() {
        failures.increment();
    }
}
