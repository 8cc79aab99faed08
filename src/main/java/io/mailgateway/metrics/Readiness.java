package io.mailgateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Route;
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
 * (broker, SMTP listener, each store's backend). The checks run on a background thread every
 * {@link #INTERVAL}; GET /ready and the {@code smtp_ready} gauge read the last result and never
 * wait for a check, so a backend that hangs (an S3 HEAD for 5 s, an SQL pool for 7 s) slows
 * neither a Prometheus scrape nor a load balancer's probe, and neither turns into a query per
 * request against the database or S3.
 *
 * <p>The consumer checks of fetch routes (camel-mail: imap, imaps, pop3, pop3s) are shown in
 * /ready under "fetch" but not counted: they are DOWN before the first poll succeeds and after
 * a failed one, and a third party's mailbox being unreachable does not make this gateway unfit
 * to take mail.
 *
 * <p>Lifecycle: {@link #start} (until then: not ready, "not evaluated yet"), {@link #close}.
 */
public final class Readiness implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    /** How often the checks run. */
    static final Duration INTERVAL = Duration.ofSeconds(3);
    /** How often the evaluator looks whether the Camel context started, until it has. */
    static final Duration TICK = Duration.ofMillis(200);

    /** Endpoint schemes of camel-mail's consumers: the routes that fetch mail from elsewhere. */
    private static final Set<String> FETCH_SCHEMES = Set.of("imap", "imaps", "pop3", "pop3s");

    /** One evaluation: up or not, and the JSON body of /ready (same body for 200 and 503). */
    public record Result(boolean up, JsonObject json) {
    }

    private final Supplier<CamelContext> context;
    private volatile Result last = down("readiness not evaluated yet");
    private ScheduledExecutorService evaluator;
    /** The evaluator thread's own: whether the last round ran the checks (the context was started), and when it ran. */
    private volatile boolean checksRan;
    private long lastRunNanos;

    public Readiness(Supplier<CamelContext> context) {
        this.context = context;
    }

    /** Registers {@code smtp_ready} (1 ready, 0 not): the last result, read without waiting. */
    public Readiness registerGauge(MeterRegistry registry) {
        Gauge.builder("smtp.ready", this, r -> r.current().up() ? 1 : 0)
                .description("1 when every readiness check (GET /ready) is up, 0 otherwise")
                .strongReference(true)
                .register(registry);
        return this;
    }

    /** Runs the checks now and then every {@link #INTERVAL}, on a daemon thread of its own. */
    public synchronized Readiness start() {
        if (evaluator == null) {
            evaluator = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "readiness");
                t.setDaemon(true);
                return t;
            });
            evaluator.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** The last result; never waits for a check. */
    public Result current() {
        return last;
    }

    /**
     * The evaluator's task: the checks every {@link #INTERVAL}, and every {@link #TICK} while the
     * Camel context is not started (that answer costs nothing, and the first round after the
     * start must not wait a whole interval: the gateway would say "not ready" seconds after it is).
     */
    void tick() {
        if (checksRan && System.nanoTime() - lastRunNanos < INTERVAL.toNanos()) {
            return;
        }
        lastRunNanos = System.nanoTime();
        refresh();
    }

    /** Runs the checks and keeps the result (the evaluator's task; tests call it directly). */
    void refresh() {
        try {
            last = evaluateNow();
        } catch (RuntimeException | Error e) {
            // A task that throws is never run again: readiness would freeze without a word, maybe
            // UP. Camel's checks catch only Exceptions; an Error (a missing optional class, a
            // stack overflow) comes through, and is not ready either.
            LOG.warn("readiness evaluation failed", e);
            last = down("readiness evaluation failed: " + e);
        }
    }

    @Override
    public synchronized void close() {
        if (evaluator != null) {
            evaluator.shutdownNow();
            evaluator = null;
        }
    }

    private Result evaluateNow() {
        CamelContext camel = context.get();
        checksRan = camel != null && camel.getStatus().isStarted();
        if (!checksRan) {
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
        Map<Boolean, List<HealthCheck.Result>> byFetch = results.stream()
                .sorted(Comparator.comparing((HealthCheck.Result r) -> String.valueOf(r.getCheck().getGroup()))
                        .thenComparing(r -> r.getCheck().getId()))
                .collect(Collectors.partitioningBy(r -> isFetchConsumer(camel, r.getCheck().getId())));
        boolean up = byFetch.get(false).stream().allMatch(r -> r.getState() == HealthCheck.State.UP);
        JsonArray checks = new JsonArray();
        byFetch.get(false).forEach(r -> checks.add(json(r)));
        Result result = result(up, checks);
        if (!byFetch.get(true).isEmpty()) {
            JsonArray fetch = new JsonArray();
            byFetch.get(true).forEach(r -> fetch.add(json(r)));
            result.json().put("fetch", fetch);
        }
        return result;
    }

    /** Whether {@code checkId} is "consumer:ROUTE" of a route that fetches with camel-mail. */
    private static boolean isFetchConsumer(CamelContext camel, String checkId) {
        if (checkId == null || !checkId.startsWith("consumer:")) {
            return false;
        }
        Route route = camel.getRoute(checkId.substring("consumer:".length()));
        if (route == null || route.getEndpoint() == null) {
            return false;
        }
        String uri = route.getEndpoint().getEndpointUri();
        int colon = uri.indexOf(':');
        return colon > 0 && FETCH_SCHEMES.contains(uri.substring(0, colon).toLowerCase(Locale.ROOT));
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
