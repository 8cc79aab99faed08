package io.mailgateway.store.s3;

import io.mailgateway.store.StoreBeans;
import io.mailgateway.store.StoreContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Binds {@code s3Client}, {@code s3ObjectHeaders} and {@code s3Failures}, used by
 * routes/store-s3.camel.yaml, and the readiness check {@code s3StoreHealth}.
 */
public final class S3StoreBeans implements StoreBeans {

    @Override
    public void bind(StoreContext context) {
        S3Client client = S3Clients.create(context.config());
        context.closeOnStop().accept(client);
        context.registry().accept("s3Client", client);
        context.registry().accept("s3ObjectHeaders", new S3ObjectHeaders(context.config().get("S3_PREFIX")));
        context.registry().accept("s3Failures", new S3Failures());
        context.registry().accept("s3StoreHealth", new S3BucketHealthCheck(client, context.config().get("S3_BUCKET")));
    }
}
