package io.mailgateway.store.sql;

import com.zaxxer.hikari.HikariDataSource;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.store.StoreBeans;
import io.mailgateway.store.StoreContext;
import io.mailgateway.store.s3.S3Clients;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Binds {@code sqlStoreDataSource} (the pool) and {@code sqlStore} (the step), used by
 * routes/store-sql.camel.yaml, on the {@link GatewayDatabase} AUTH opened (or its own when none
 * was bound), and {@code sqlStoreHealth} (readiness); the schema is migrated before any route
 * starts. Large bodies go to files under DATA_DIR/blobs (BLOB_STORE=file) or to the S3 store's
 * bucket (BLOB_STORE=s3).
 */
public final class SqlStoreBeans implements StoreBeans {

    @Override
    public void bind(StoreContext context) throws Exception {
        GatewayConfig config = context.config();
        // The pool AUTH opened (users, audit_log live in the same database), else our own.
        GatewayDatabase database = context.bound().apply("gatewayDatabase") instanceof GatewayDatabase shared
                ? shared.share() : GatewayDatabase.open(config);
        HikariDataSource dataSource = database.pool();
        MessageWriter writer = new MessageWriter(dataSource);
        GroupCommitWriter batching = null;
        if (config.getBoolean("STORAGE_BATCH_INSERT")) {
            batching = new GroupCommitWriter(writer, config.getInt("STORAGE_BATCH_SIZE"), config.duration("STORAGE_BATCH_TIMEOUT"));
        }
        // Closed in the order registered: the writer finishes its last batch, then our share of
        // the pool (closed with its last holder).
        if (batching != null) {
            context.closeOnStop().accept(batching);
        }
        context.closeOnStop().accept(database);
        BlobWriter blobs;
        if ("s3".equals(config.get("BLOB_STORE"))) {
            S3Client client = S3Clients.create(config);
            context.closeOnStop().accept(client);
            blobs = new S3Blobs(client, config.get("S3_BUCKET"), config.get("S3_PREFIX"), config.get("S3_REGION"));
        } else {
            blobs = new BlobFiles(context.dataDir().resolve("blobs"));
        }
        context.registry().accept("sqlStoreDataSource", dataSource);
        context.registry().accept("sqlStoreHealth", new SqlStoreHealthCheck(dataSource));
        context.registry().accept("sqlStore", new SqlStore(writer, batching, blobs, config.getInt("SQL_INLINE_BODY_LIMIT")));
    }
}
