package io.mailgateway.store;

import io.mailgateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What a {@link StoreBeans} gets to work with.
 *
 * @param config      the gateway's checked configuration
 * @param dataDir     DATA_DIR, absolute
 * @param hostname    the name the gateway gives itself (SMTP_HOSTNAME or the machine's)
 * @param registry    binds a bean under a name the routes use ({@code ref: name}, {@code #name})
 * @param closeOnStop resources (pools, clients) to close when the gateway stops, after the routes
 */
public record StoreContext(GatewayConfig config, Path dataDir, String hostname,
                           BiConsumer<String, Object> registry, Consumer<AutoCloseable> closeOnStop) {
}
