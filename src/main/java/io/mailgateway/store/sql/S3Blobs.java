package io.mailgateway.store.sql;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Large bodies as S3 objects {@code PREFIX/blobs/<yyyy>/<mm>/<dd>/<queueid>.eml} (UTC date of
 * receipt) in the S3 store's bucket, referenced as {@code s3:<key>}. The body is streamed: one
 * PUT when it fits in one part ({@value #PART_SIZE} octets), otherwise a multipart upload of
 * such parts, so at most one part per write is in the heap, whatever the message size. The
 * write returns once S3 confirmed the object (PutObject / CompleteMultipartUpload), and a
 * redelivery overwrites the same key with the same bytes. The bucket is created if missing,
 * at the first write (so the gateway starts while S3 is down; the broker redelivers meanwhile).
 */
final class S3Blobs implements BlobWriter {

    /** Part size of multipart uploads; S3 wants at least 5 MiB for all parts but the last. */
    static final int PART_SIZE = 8 * 1024 * 1024;
    private static final String CONTENT_TYPE = "message/rfc822";
    private static final Logger LOG = LoggerFactory.getLogger(S3Blobs.class);

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final String region;
    private final int partSize;
    private volatile boolean bucketChecked;

    S3Blobs(S3Client client, String bucket, String prefix, String region) {
        this(client, bucket, prefix, region, PART_SIZE);
    }

    S3Blobs(S3Client client, String bucket, String prefix, String region, int partSize) {
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix.replaceAll("^/+|/+$", "");
        this.region = region;
        this.partSize = partSize;
    }

    String key(String queueId, long receivedAt) {
        ZonedDateTime day = Instant.ofEpochMilli(receivedAt).atZone(ZoneOffset.UTC);
        String path = String.format("blobs/%04d/%02d/%02d/%s.eml", day.getYear(), day.getMonthValue(), day.getDayOfMonth(), queueId);
        return prefix.isEmpty() ? path : prefix + "/" + path;
    }

    /** The key of a reference written by this class ({@code s3:<key>}). */
    static String keyOf(String reference) {
        if (!reference.startsWith("s3:")) {
            throw new IllegalArgumentException("not an s3 blob reference: " + reference);
        }
        return reference.substring("s3:".length());
    }

    @Override
    public String write(String queueId, long receivedAt, byte[] head, InputStream rest) throws IOException {
        if (!queueId.matches("[A-Za-z0-9._-]+")) {
            throw new IOException("queue ID unusable in an S3 key: " + queueId);
        }
        String key = key(queueId, receivedAt);
        try {
            ensureBucket();
            upload(key, head, rest);
        } catch (NoSuchBucketException e) {
            bucketChecked = false; // deleted meanwhile: made again on the redelivery
            throw new IOException("S3 blob s3://" + bucket + "/" + key + " not written: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 blob s3://" + bucket + "/" + key + " not written: " + e.getMessage(), e);
        }
        return "s3:" + key;
    }

    private void upload(String key, byte[] head, InputStream rest) throws IOException {
        // The first part: the head, then what follows of the body, up to one part.
        byte[] part = new byte[Math.max(partSize, head.length)];
        System.arraycopy(head, 0, part, 0, head.length);
        int first = head.length + rest.readNBytes(part, head.length, part.length - head.length);
        if (first < part.length) {
            client.putObject(b -> b.bucket(bucket).key(key).contentType(CONTENT_TYPE).contentLength((long) first),
                    body(part, first));
            return;
        }
        // A full part: there may be more, so a multipart upload, the buffer reused for each part
        // (a body of exactly one part makes an upload of one part, which S3 accepts too).
        String uploadId = client.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(CONTENT_TYPE)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (int filled = first; filled > 0; filled = rest.readNBytes(part, 0, part.length)) {
                int partNumber = parts.size() + 1;
                int length = filled;
                String etag = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                        .contentLength((long) length), body(part, length)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            LOG.debug("s3 blob {}: {} parts", key, parts.size());
        } catch (IOException | RuntimeException e) {
            try {
                client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (RuntimeException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    private static RequestBody body(byte[] bytes, int length) {
        // From a stream over the array: fromBytes would copy the part once more.
        return RequestBody.fromInputStream(new ByteArrayInputStream(bytes, 0, length), length);
    }

    private void ensureBucket() {
        if (bucketChecked) {
            return;
        }
        synchronized (this) {
            if (bucketChecked) {
                return;
            }
            try {
                client.headBucket(b -> b.bucket(bucket));
            } catch (NoSuchBucketException e) {
                createBucket();
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                createBucket();
            }
            bucketChecked = true;
        }
    }

    private void createBucket() {
        try {
            client.createBucket(b -> {
                b.bucket(bucket);
                if (!region.isEmpty() && !"us-east-1".equals(region)) {
                    b.createBucketConfiguration(c -> c.locationConstraint(region));
                }
            });
            LOG.info("S3 bucket {} created for SQL store blobs", bucket);
        } catch (BucketAlreadyOwnedByYouException e) {
            // made meanwhile, e.g. by the S3 store
        }
    }
}
