package io.mailgateway.policy.limits.redis;

import io.mailgateway.config.GatewayConfig;
import java.time.Duration;

/** Where the shared limits live (the REDIS_* keys of docs/configuration.md). */
public record RedisSettings(String host, int port, int database, String password, int poolSize, Duration timeout) {

    public static RedisSettings from(GatewayConfig config) {
        return new RedisSettings(config.get("REDIS_HOST").trim(), config.getInt("REDIS_PORT"), config.getInt("REDIS_DB"),
                config.get("REDIS_PASSWORD"), config.getInt("REDIS_POOL_SIZE"), Duration.ofMillis(config.getLong("REDIS_TIMEOUT")));
    }

    /** host:port as an operator writes it, for log lines and errors. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
