package io.mailgateway.store;

/**
 * What a store brings besides its route file {@code routes/store-NAME.camel.yaml}: the beans that
 * route refers to (a processor, a data source...). Optional: a store made only of Camel endpoints
 * (file:, kafka:, ...) needs none. Found by name when NAME is in STORAGE_TYPE:
 * {@code io.mailgateway.store.NAME.<Name>StoreBeans} (e.g. {@code sql.SqlStoreBeans}), with a
 * public no-argument constructor.
 */
public interface StoreBeans {

    /** Binds the store's beans; called once at startup, before the routes load. */
    void bind(StoreContext context) throws Exception;

    /** The class name looked up for a store name, e.g. "sql" → io.mailgateway.store.sql.SqlStoreBeans. */
    static String className(String store) {
        return "io.mailgateway.store." + store + "." + Character.toUpperCase(store.charAt(0)) + store.substring(1) + "StoreBeans";
    }
}
