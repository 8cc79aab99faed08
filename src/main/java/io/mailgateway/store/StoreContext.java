package io.mailgateway.store;

import io.mailgateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a {@link StoreBeans} gets to work with.
 *
 * @param config      the gateway's checked configuration
 * @param dataDir     DATA_DIR, absolute
 * @param hostname    the name the gateway gives itself (SMTP_HOSTNAME or the machine's)
 * @param registry    binds a bean under a name the routes use ({@code ref: name}, {@code #name})
 * @param closeOnStop resources (pools, clients) to close when the gateway stops, after the routes
 * @param bound       a bean the capabilities bound before the stores (e.g. "gatewayDatabase"), or null
 */
public record StoreContext(GatewayConfig config, Path dataDir, String hostname,
                           BiConsumer<String, Object> registry, Consumer<AutoCloseable> closeOnStop,
                           Function<String, Object> bound) {

    /** A context that sees no beans of the capabilities (tests, embedding). */
    public StoreContext(GatewayConfig config, Path dataDir, String hostname,
                        BiConsumer<String, Object> registry, Consumer<AutoCloseable> closeOnStop) {
        this(config, dataDir, hostname, registry, closeOnStop, name -> null);
    }
}
