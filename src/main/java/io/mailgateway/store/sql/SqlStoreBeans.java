package io.mailgateway.store.sql;

import com.zaxxer.hikari.HikariDataSource;
import io.mailgateway.config.ConfigException;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.store.StoreBeans;
import io.mailgateway.store.StoreContext;

/**
 * Binds {@code sqlStoreDataSource} (the pool) and {@code sqlStore} (the step), used by
 * routes/store-sql.camel.yaml. The schema is migrated here, before any route starts.
 */
public final class SqlStoreBeans implements StoreBeans {

    @Override
    public void bind(StoreContext context) throws Exception {
        GatewayConfig config = context.config();
        if (!"file".equals(config.get("BLOB_STORE"))) {
            throw new ConfigException("BLOB_STORE", "the SQL store keeps large bodies in files only for now; set BLOB_STORE=file");
        }
        HikariDataSource dataSource = SqlDataSources.create(config, context.dataDir());
        try {
            SqlMigrations.migrate(dataSource);
        } catch (Exception e) {
            dataSource.close();
            throw e;
        }
        MessageWriter writer = new MessageWriter(dataSource);
        GroupCommitWriter batching = null;
        if (config.getBoolean("STORAGE_BATCH_INSERT")) {
            batching = new GroupCommitWriter(writer, config.getInt("STORAGE_BATCH_SIZE"));
        }
        // Closed in the order registered: the writer finishes its last batch, then the pool closes.
        if (batching != null) {
            context.closeOnStop().accept(batching);
        }
        context.closeOnStop().accept(dataSource);
        context.registry().accept("sqlStoreDataSource", dataSource);
        context.registry().accept("sqlStore", new SqlStore(writer, batching, new BlobFiles(context.dataDir().resolve("blobs")),
                config.getInt("SQL_INLINE_BODY_LIMIT")));
    }
}
