package io.mailgateway.store.sql;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where the SQL store puts a body too large for its row (BLOB_STORE): {@link BlobFiles} or
 * {@link S3Blobs}. A write is durable when it returns, and the row that refers to it is inserted
 * only then. The name depends only on the queue ID and the time of receipt, so a redelivered
 * message rewrites its own blob with the same bytes.
 */
interface BlobWriter {

    /**
     * Writes {@code head} followed by the rest of {@code rest}, streaming it.
     *
     * @return the reference kept in messages.body_ref, e.g. {@code file:2026/11/29/ID.eml}
     */
    String write(String queueId, long receivedAt, byte[] head, InputStream rest) throws IOException;
}
