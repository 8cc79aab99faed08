package io.mailgateway.store.s3;

import io.mailgateway.store.PermanentStoreFailure;
import io.mailgateway.store.StoreFailures;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Which S3 answers mean "this object can never be written" (bound as {@code s3Failures}; the
 * S3 route's {@code doCatch} runs it on what the aws2-s3 endpoint threw, and the SQL store's
 * S3 blobs ask it too). Permanent: a 4xx about this request (e.g. 400 EntityTooLarge or
 * InvalidArgument, 411, 413). Transient: no answer at all (S3 unreachable), 5xx, throttling
 * (408 Request Timeout, 429, SlowDown) and every error of credentials or configuration (401, 403,
 * 404 NoSuchBucket, 301 redirects, a skewed clock...), which the operator fixes for all messages
 * at once and which must not send every message of the outage to the dead-letter queue.
 */
public final class S3Failures implements Processor {

    /** 4xx statuses that are about the account, the bucket or the moment, not about this message. */
    private static final Set<Integer> TRANSIENT_4XX = Set.of(401, 403, 404, 408, 409, 429);
    private static final Set<String> AUTH_OR_CONFIG = Set.of("AccessDenied", "AccountProblem", "AllAccessDisabled",
            "AuthorizationHeaderMalformed", "ExpiredToken", "InvalidAccessKeyId", "InvalidBucketName", "InvalidToken",
            "InvalidSecurity", "NoSuchBucket", "PermanentRedirect", "Redirect", "RequestTimeTooSkewed", "RequestTimeout",
            "SignatureDoesNotMatch", "SlowDown", "TemporaryRedirect", "TokenRefreshRequired", "IllegalLocationConstraintException");

    @Override
    public void process(Exchange exchange) throws Exception {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (caught == null) {
            return;
        }
        if (isPermanent(caught)) {
            throw new PermanentStoreFailure("s3: " + StoreFailures.describe(caught), caught);
        }
        throw caught;
    }

    /** True if an AWS SDK exception is anywhere in the cause chain. */
    public static boolean isAws(Throwable failure) {
        return find(failure, SdkException.class) != null;
    }

    public static boolean isPermanent(Throwable failure) {
        AwsServiceException answer = find(failure, AwsServiceException.class);
        if (answer == null) {
            return false; // no answer from S3 (connection refused, timeout): wait for it
        }
        int status = answer.statusCode();
        String code = answer.awsErrorDetails() == null ? null : answer.awsErrorDetails().errorCode();
        return status >= 400 && status < 500 && !TRANSIENT_4XX.contains(status) && !AUTH_OR_CONFIG.contains(code);
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
