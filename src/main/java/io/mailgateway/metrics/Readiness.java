package io.mailgateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the gateway is ready, from camel-health's readiness checks: the context, each route
 * and consumer (an operator's own included), and the HealthCheck beans the capabilities bind
 * (broker, SMTP listener, each store's backend). One evaluation serves both GET /ready and the
 * {@code smtp_ready} gauge, and is reused for {@link #CACHE}, so neither a busy load balancer
 * nor Prometheus' scrapes turn into a query per request against the database or S3.
 */
public final class Readiness {

    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    /** How long one evaluation answers for. */
    static final Duration CACHE = Duration.ofSeconds(3);

    /** One evaluation: up or not, and the JSON body of /ready (same body for 200 and 503). */
    public record Result(boolean up, JsonObject json) {
    }

    private final Supplier<CamelContext> context;
    private final LongSupplier nanoClock;
    private Result last;
    private long lastNanos;

    public Readiness(Supplier<CamelContext> context) {
        this(context, System::nanoTime);
    }

    Readiness(Supplier<CamelContext> context, LongSupplier nanoClock) {
        this.context = context;
        this.nanoClock = nanoClock;
    }

    /** Registers {@code smtp_ready} (1 ready, 0 not), evaluated at most every {@link #CACHE}. */
    public Readiness registerGauge(MeterRegistry registry) {
        Gauge.builder("smtp.ready", this, r -> r.evaluate().up() ? 1 : 0)
                .description("1 when every readiness check (GET /ready) is up, 0 otherwise")
                .strongReference(true)
                .register(registry);
        return this;
    }

    /** The cached result, or a fresh one when it is older than {@link #CACHE}. */
    public synchronized Result evaluate() {
        long now = nanoClock.getAsLong();
        if (last == null || now - lastNanos >= CACHE.toNanos()) {
            last = evaluateNow();
            lastNanos = nanoClock.getAsLong();
        }
        return last;
    }

    private Result evaluateNow() {
        CamelContext camel = context.get();
        if (camel == null || !camel.getStatus().isStarted()) {
            return down("Camel context not started");
        }
        Collection<HealthCheck.Result> results;
        try {
            giveContext(camel);
            results = HealthCheckHelper.invokeReadiness(camel);
        } catch (RuntimeException e) {
            LOG.warn("readiness checks failed to run", e);
            return down("readiness checks failed to run: " + e);
        }
        if (results.isEmpty()) {
            // Our own checks are always bound: none at all means camel-health is off.
            return down("no readiness checks ran (camel.health.enabled=false?)");
        }
        boolean up = results.stream().allMatch(r -> r.getState() == HealthCheck.State.UP);
        JsonArray checks = new JsonArray();
        results.stream().sorted(Comparator.comparing((HealthCheck.Result r) -> String.valueOf(r.getCheck().getGroup()))
                .thenComparing(r -> r.getCheck().getId())).forEach(r -> checks.add(json(r)));
        return result(up, checks);
    }

    /**
     * The capabilities bind their checks before the context exists, and Camel does not inject it
     * into beans bound that early; a check that needs it (the SMTP listener's) gets it here.
     */
    private static void giveContext(CamelContext camel) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(camel);
        if (registry != null) {
            registry.stream().filter(c -> c instanceof CamelContextAware a && a.getCamelContext() == null)
                    .forEach(c -> ((CamelContextAware) c).setCamelContext(camel));
        }
    }

    private static JsonObject json(HealthCheck.Result r) {
        JsonObject check = new JsonObject();
        check.put("id", r.getCheck().getId());
        if (r.getCheck().getGroup() != null) {
            check.put("group", r.getCheck().getGroup());
        }
        check.put("status", r.getState().name());
        r.getMessage().ifPresent(m -> check.put("message", m));
        r.getError().ifPresent(e -> check.put("error", e.toString()));
        JsonObject details = new JsonObject();
        // Camel's bookkeeping (invocation counts, times) stays out; what the check found stays in.
        for (Map.Entry<String, Object> d : r.getDetails().entrySet()) {
            if (!HealthCheckHelper.isReservedKey(d.getKey()) && d.getValue() != null) {
                details.put(d.getKey(), d.getValue().toString());
            }
        }
        if (!details.isEmpty()) {
            check.put("details", details);
        }
        return check;
    }

    private static Result down(String message) {
        JsonObject check = new JsonObject();
        check.put("id", "context");
        check.put("status", "DOWN");
        check.put("message", message);
        return result(false, new JsonArray(List.of(check)));
    }

    private static Result result(boolean up, JsonArray checks) {
        JsonObject json = new JsonObject();
        json.put("status", up ? "UP" : "DOWN");
        json.put("checks", checks);
        return new Result(up, json);
    }
}
