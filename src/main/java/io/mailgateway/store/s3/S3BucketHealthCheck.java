package io.mailgateway.store.s3;

import io.mailgateway.metrics.ReadinessCheck;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Readiness of the S3 store: the server answers a HEAD on S3_BUCKET. A missing bucket counts as
 * up, since the route creates it with the first message (autoCreateBucket); refused credentials,
 * a 5xx or no answer at all count as down, since messages would then wait in store.s3.
 */
public final class S3BucketHealthCheck extends ReadinessCheck {

    /** Well below a load balancer's probe timeout; the client's own timeout is minutes (S3Clients). */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final S3Client client;
    private final String bucket;

    public S3BucketHealthCheck(S3Client client, String bucket) {
        super("store-s3");
        this.client = client;
        this.bucket = bucket;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("bucket", bucket);
        try {
            client.headBucket(b -> b.bucket(bucket)
                    .overrideConfiguration(o -> o.apiCallTimeout(TIMEOUT).apiCallAttemptTimeout(TIMEOUT)));
            builder.up();
        } catch (NoSuchBucketException e) {
            builder.message("bucket missing: created with the first message").up();
        } catch (S3Exception e) {
            // HEAD answers carry no error body: a missing bucket may come as a bare 404.
            if (e.statusCode() == 404) {
                builder.message("bucket missing: created with the first message").up();
            } else {
                builder.message("S3 answered " + e.statusCode()).error(e).down();
            }
        } catch (SdkException e) {
            builder.message("S3 unreachable: " + e.getMessage()).error(e).down();
        }
    }
}
