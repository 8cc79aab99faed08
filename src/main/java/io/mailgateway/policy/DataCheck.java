package io.mailgateway.policy;

/**
 * A check at end of data, when the whole message is there: it sees the envelope, the content and
 * the results of the checks that ran before it. It runs as a step of routes/inbound.camel.yaml
 * (wrapped by {@code policy.camel.CheckStep}); the route's decision step turns the verdicts into
 * the outcome (docs/policy.md). Implementations are thread-safe: one instance serves every message.
 */
public interface DataCheck {

    Verdict onData(EndOfData message) throws Exception;
}
