package io.mailgateway.config;

/**
 * One capability of the gateway (SMTP listener, policy, delivery, broker access, metrics, a
 * store) as the composition root sees it: it binds the beans its route steps refer to, reading
 * its own configuration keys (declared in its {@link SettingGroup}). Called once at startup,
 * before the routes load; a bad setting or a missing file is a startup error thrown from here.
 */
@FunctionalInterface
public interface Capability {

    void bind(Wiring wiring) throws Exception;
}
