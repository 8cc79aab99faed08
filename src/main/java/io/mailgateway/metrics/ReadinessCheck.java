package io.mailgateway.metrics;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Base of the gateway's own checks behind /ready (group "gateway"): a capability binds one as a
 * bean, camel-health's registry repository finds it, {@link Readiness} runs it with Camel's own.
 * Readiness only, never liveness: restarting the process brings back neither a database nor S3.
 */
public abstract class ReadinessCheck extends AbstractHealthCheck {

    /** @param id the check's id in the JSON of /ready, e.g. "broker", "store-s3" */
    protected ReadinessCheck(String id) {
        super("gateway", id);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }
}
