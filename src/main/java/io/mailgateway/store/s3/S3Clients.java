package io.mailgateway.store.s3;

import io.mailgateway.config.GatewayConfig;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The S3 client of the S3 store, from S3_ENDPOINT, S3_REGION and AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY (both empty: the SDK's default credentials chain).
 */
public final class S3Clients {

    private S3Clients() {
    }

    public static S3Client create(GatewayConfig config) {
        return create(config.get("S3_ENDPOINT"), config.get("S3_REGION"),
                config.get("AWS_ACCESS_KEY_ID"), config.get("AWS_SECRET_ACCESS_KEY"));
    }

    public static S3Client create(String endpoint, String region, String accessKey, String secretKey) {
        AwsCredentialsProvider credentials = accessKey.isEmpty() || secretKey.isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                // A dead server must fail the attempt in bounded time: the broker then redelivers
                // with its durable backoff, so the SDK's own (in-memory) retries stay few.
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofMinutes(2))
                        .apiCallTimeout(Duration.ofMinutes(10)));
        if (!endpoint.isEmpty()) {
            // Any S3-compatible server (MinIO, Ceph, s3proxy...): path-style URLs (no bucket
            // subdomains), and checksums only where the S3 API requires them, since not all
            // such servers understand the SDK's newer default (aws-chunked with CRC trailers).
            builder.endpointOverride(URI.create(endpoint))
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }
}
