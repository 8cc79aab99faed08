package io.mailgateway.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.store.s3.S3Clients;
import io.mailgateway.testing.S3ProxyProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * BLOB_STORE=s3 against a real S3 API server (s3proxy): the blob writer creates the bucket,
 * writes {@code PREFIX/blobs/yyyy/mm/dd/QUEUEID.eml}, returns {@code s3:<key>}, and the object
 * read back is the head followed by the rest, byte for byte; a body larger than one part is a
 * multipart upload fed from the stream one part at a time.
 */
class S3BlobsTest {

    private static final long RECEIVED_AT = Instant.parse("2026-11-29T23:59:58Z").toEpochMilli();

    private static S3ProxyProcess s3;
    private static S3Client client;

    @BeforeAll
    static void start() throws IOException {
        s3 = S3ProxyProcess.start();
        client = S3Clients.create(s3.endpoint(), "us-east-1", S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void should_create_the_bucket_and_store_head_and_rest_under_the_dated_key() throws Exception {
        S3Blobs blobs = new S3Blobs(client, "sql-blobs-new", "/mail/", "us-east-1");
        byte[] head = "Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] rest = new byte[300_000];
        for (int i = 0; i < rest.length; i++) {
            rest[i] = (byte) i;
        }

        String ref = blobs.write("ID1.a-b_c", RECEIVED_AT, head, new ByteArrayInputStream(rest));

        assertThat(ref).isEqualTo("s3:mail/blobs/2026/11/29/ID1.a-b_c.eml");
        try (ResponseInputStream<GetObjectResponse> object = client.getObject(b -> b.bucket("sql-blobs-new").key(S3Blobs.keyOf(ref)))) {
            assertThat(object.response().contentType()).isEqualTo("message/rfc822");
            byte[] expected = Arrays.copyOf(head, head.length + rest.length);
            System.arraycopy(rest, 0, expected, head.length, rest.length);
            assertThat(object.readAllBytes()).isEqualTo(expected);
        }
    }

    @Test
    void should_write_the_same_key_again_on_redelivery() throws Exception {
        S3Blobs blobs = new S3Blobs(client, "sql-blobs-redelivery", "", "us-east-1");
        byte[] head = "Subject: twice\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] rest = "x\r\n".repeat(100_000).getBytes(StandardCharsets.US_ASCII);

        String first = blobs.write("TWICE", RECEIVED_AT, head, new ByteArrayInputStream(rest));
        String second = blobs.write("TWICE", RECEIVED_AT, head, new ByteArrayInputStream(rest));

        assertThat(second).isEqualTo(first).isEqualTo("s3:blobs/2026/11/29/TWICE.eml");
        assertThat(client.listObjectsV2Paginator(b -> b.bucket("sql-blobs-redelivery")).contents().stream().map(S3Object::key))
                .containsExactly("blobs/2026/11/29/TWICE.eml");
        try (InputStream object = client.getObject(b -> b.bucket("sql-blobs-redelivery").key(S3Blobs.keyOf(first)))) {
            assertThat(object.readAllBytes()).hasSize(head.length + rest.length);
        }
    }

    @Test
    void should_stream_a_20_mib_body_as_a_multipart_upload_reading_one_part_at_a_time() throws Exception {
        S3Blobs blobs = new S3Blobs(client, "sql-blobs-large", "mail", "us-east-1");
        byte[] head = "Subject: large\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        long restSize = 20L * 1024 * 1024 + 12_345;
        Generated rest = new Generated(restSize);

        String ref = blobs.write("LARGE", RECEIVED_AT, head, rest);

        byte[] expected = sha256(new SequenceInputStream(new ByteArrayInputStream(head), new Generated(restSize)));
        try (ResponseInputStream<GetObjectResponse> object = client.getObject(b -> b.bucket("sql-blobs-large").key(S3Blobs.keyOf(ref)))) {
            assertThat(object.response().contentLength()).isEqualTo(head.length + restSize);
            assertThat(object.response().eTag()).as("multipart ETag of 3 parts").matches("\"?[0-9a-f]+-3\"?");
            assertThat(sha256(object)).isEqualTo(expected);
        }
        // The writer never asked for more than one part's worth at once: no whole-body buffer.
        assertThat(rest.largestRead).isPositive().isLessThanOrEqualTo(S3Blobs.PART_SIZE);
    }

    private static byte[] sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[65536];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return md.digest();
    }

    /** A body generated on the fly (never held whole), remembering the largest read asked for. */
    private static final class Generated extends InputStream {
        private final long size;
        private long position;
        int largestRead;

        Generated(long size) {
            this.size = size;
        }

        private static byte at(long i) {
            long line = i % 78;
            return line == 76 ? (byte) '\r' : line == 77 ? (byte) '\n' : (byte) ('0' + (i / 78 + line) % 43);
        }

        @Override
        public int read() {
            return position < size ? at(position++) & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            largestRead = Math.max(largestRead, len);
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = at(position++);
            }
            return n;
        }
    }
}
