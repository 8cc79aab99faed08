package io.mailgateway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Which S3 answers send a message to store.s3.dlq (permanent) and which wait (transient). */
class S3FailuresTest {

    private static S3Exception answer(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).message(code).build();
    }

    @Test
    void should_treat_a_4xx_about_this_object_as_permanent() {
        assertThat(S3Failures.isPermanent(answer(400, "EntityTooLarge"))).isTrue();
        assertThat(S3Failures.isPermanent(answer(400, "InvalidArgument"))).isTrue();
        assertThat(S3Failures.isPermanent(answer(411, "MissingContentLength"))).isTrue();
    }

    @Test
    void should_wait_out_outages_throttling_and_credential_or_bucket_errors() {
        assertThat(S3Failures.isPermanent(SdkClientException.create("Connection refused"))).isFalse();
        assertThat(S3Failures.isPermanent(answer(500, "InternalError"))).isFalse();
        assertThat(S3Failures.isPermanent(answer(503, "SlowDown"))).isFalse();
        assertThat(S3Failures.isPermanent(answer(408, "RequestTimeout"))).isFalse();
        assertThat(S3Failures.isPermanent(answer(429, "TooManyRequests"))).isFalse();
        assertThat(S3Failures.isPermanent(answer(403, "SignatureDoesNotMatch"))).isFalse();
        assertThat(S3Failures.isPermanent(answer(400, "AuthorizationHeaderMalformed"))).isFalse();
        assertThat(S3Failures.isPermanent(answer(404, "NoSuchBucket"))).isFalse();
        assertThat(S3Failures.isPermanent(answer(400, "RequestTimeTooSkewed"))).isFalse();
    }
}
