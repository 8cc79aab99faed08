package io.mailgateway.fetch;

import io.mailgateway.config.Capability;
import io.mailgateway.config.Wiring;
import io.mailgateway.policy.camel.PolicyDecision;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The steps of a fetch route (docs/examples/fetch-imap.camel.yaml): "fetchedEnvelope" (a
 * message polled by camel-mail becomes an exchange shaped like the SMTP listener's),
 * "fetchedDecision" (the policy decision, with no client to refuse to) and "fetchedStored" (the
 * guard that the broker write happened before camel-mail deletes the message at its source), and
 * the route's endpoint options "fetchUid" ({@link FetchUid}: which message that delete is for)
 * and "fetchLimits" ({@link FetchLimits}: no message too big for the gateway).
 * Bound whether or not a fetch route runs: they cost nothing idle.
 */
public final class FetchBeans implements Capability {

    @Override
    public void bind(Wiring wiring) {
        FetchLimits limits = wiring.bind("fetchLimits", new FetchLimits(wiring.config().getLong("SMTP_MAX_MESSAGE_SIZE"),
                wiring.lookup("metricsRegistry", MeterRegistry.class)));
        wiring.bind("fetchedEnvelope", new FetchedEnvelope(wiring.config().dataDir().resolve("spool"), limits));
        wiring.bind("fetchedDecision", new FetchedDecision(wiring.lookup("policyDecision", PolicyDecision.class), limits));
        wiring.bind("fetchedStored", new FetchedStored());
        wiring.bind("fetchUid", new FetchUid());
    }
}
