package io.mailgateway.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What a {@link Capability} gets at startup to put its beans where the routes find them: the
 * checked configuration, the registry the YAML routes see ({@code ref: name}, {@code #name},
 * {@code bean:name}), the beans capabilities bound before it, and the list of resources closed
 * when the gateway stops (after the routes, before the broker), in the order registered.
 */
public final class Wiring {

    private final GatewayConfig config;
    private final BiConsumer<String, Object> registry;
    private final Consumer<AutoCloseable> closeOnStop;
    private final Map<String, Object> bound = new ConcurrentHashMap<>();

    public Wiring(GatewayConfig config, BiConsumer<String, Object> registry, Consumer<AutoCloseable> closeOnStop) {
        this.config = config;
        this.registry = registry;
        this.closeOnStop = closeOnStop;
    }

    public GatewayConfig config() {
        return config;
    }

    /** Binds a bean under the name the routes use; returns it. */
    public <T> T bind(String name, T bean) {
        registry.accept(name, bean);
        bound.put(name, bean);
        return bean;
    }

    /** A bean an earlier capability bound (the order is the composition root's). */
    public <T> T lookup(String name, Class<T> type) {
        Object bean = bound.get(name);
        if (!type.isInstance(bean)) {
            throw new IllegalStateException("no bean '" + name + "' of type " + type.getSimpleName()
                    + " bound yet: the capability that binds it must come first");
        }
        return type.cast(bean);
    }

    /** A bean an earlier capability bound, or null when none has that name. */
    public Object find(String name) {
        return bound.get(name);
    }

    /** Closes the resource when the gateway stops; returns it. */
    public <T extends AutoCloseable> T closeOnStop(T resource) {
        closeOnStop.accept(resource);
        return resource;
    }

    /** The same registry and close list, as the stores see them. */
    public BiConsumer<String, Object> registry() {
        return this::bind;
    }

    public Consumer<AutoCloseable> closeList() {
        return closeOnStop;
    }
}
