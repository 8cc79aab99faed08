package io.mailgateway.fetch;

import io.mailgateway.config.Capability;
import io.mailgateway.config.Wiring;
import io.mailgateway.policy.camel.PolicyDecision;

/**
 * The steps of a fetch route (docs/examples/fetch-imap.camel.yaml): "fetchedEnvelope" (a
 * message polled by camel-mail becomes an exchange shaped like the SMTP listener's),
 * "fetchedDecision" (the policy decision, with no client to refuse to) and "fetchedStored" (the
 * guard that the broker write happened before camel-mail deletes the message at its source), and
 * the route's endpoint option "fetchUid" ({@link FetchUid}: which message that delete is for).
 * Bound whether or not a fetch route runs: they cost nothing idle.
 */
public final class FetchBeans implements Capability {

    @Override
    public void bind(Wiring wiring) {
        wiring.bind("fetchedEnvelope", new FetchedEnvelope(wiring.config().dataDir().resolve("spool")));
        wiring.bind("fetchedDecision", new FetchedDecision(wiring.lookup("policyDecision", PolicyDecision.class)));
        wiring.bind("fetchedStored", new FetchedStored());
        wiring.bind("fetchUid", new FetchUid());
    }
}
