package io.mailgateway.store.s3;

import io.mailgateway.testing.S3ProxyProcess;
import io.mailgateway.testing.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Test-side view of the S3 store's bucket, read with the AWS SDK from the test's s3proxy. */
final class S3Objects {

    private static S3Client client;

    private S3Objects() {
    }

    static synchronized S3Client client() {
        if (client == null) {
            client = S3Clients.create(TestGateway.s3().endpoint(), "us-east-1", S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY);
        }
        return client;
    }

    /** Keys in the test bucket ending in "/QUEUEID.eml". */
    static List<String> keysOf(String queueId) {
        try {
            return client().listObjectsV2Paginator(b -> b.bucket(TestGateway.S3_BUCKET).prefix("mail/")).contents().stream()
                    .map(S3Object::key).filter(k -> k.endsWith("/" + queueId + ".eml")).toList();
        } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException notYet) {
            return List.of(); // the store creates it with its first message
        }
    }

    static Optional<String> keyOf(String queueId) {
        List<String> keys = keysOf(queueId);
        return keys.isEmpty() ? Optional.empty() : Optional.of(keys.get(0));
    }

    static ResponseInputStream<GetObjectResponse> get(String key) {
        return client().getObject(b -> b.bucket(TestGateway.S3_BUCKET).key(key));
    }

    /** SHA-256 of a stream, after skipping its first {@code skip} bytes. */
    static byte[] sha256(InputStream in, long skip) throws IOException {
        try (in) {
            in.skipNBytes(skip);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Length of the first line of a Maildir file (its "Return-Path: <...>\r\n"), checked to be that header. */
    static long returnPathLength(Path maildirFile) throws IOException {
        try (InputStream in = Files.newInputStream(maildirFile)) {
            byte[] head = in.readNBytes(2048);
            String s = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (!s.startsWith("Return-Path:")) {
                throw new AssertionError(maildirFile + " does not start with Return-Path:");
            }
            return s.indexOf("\r\n") + 2;
        }
    }
}
