package io.mailgateway.store.sql;

import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import io.mailgateway.store.BatchEntry;
import io.mailgateway.store.PermanentStoreFailure;
import io.mailgateway.store.StoreBatch;
import io.mailgateway.store.StoreStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL store's step: one accepted message into one {@code messages} row. Returns only after
 * the row's transaction committed (alone, or in a group commit when STORAGE_BATCH_INSERT is on);
 * a transient failure (database down or locked, I/O) fails the route, so the JMS transaction
 * rolls back and the broker redelivers; a row the database will never take (constraint or data
 * error, see {@link SqlFailures}) or an unreadable message goes to store.sql.dlq instead.
 * Bodies up to SQL_INLINE_BODY_LIMIT octets go in the row, byte for byte; larger ones to a blob
 * (a file or an S3 object, see {@link BlobWriter}) first, and the row keeps its reference.
 */
public class SqlStore extends StoreStep {

    private static final Logger LOG = LoggerFactory.getLogger(SqlStore.class);
    /** Octets read to find the Subject even when the body goes to a blob. */
    private static final int HEAD_FOR_SUBJECT = 64 * 1024;

    private final MessageWriter direct;
    private final GroupCommitWriter batching;
    private final BlobWriter blobs;
    private final int inlineLimit;

    SqlStore(MessageWriter direct, GroupCommitWriter batching, BlobWriter blobs, int inlineLimit) {
        super("sql");
        this.direct = direct;
        this.batching = batching;
        this.blobs = blobs;
        this.inlineLimit = inlineLimit;
    }

    @Override
    protected void store(Exchange exchange) throws IOException, SQLException, InterruptedException, PermanentStoreFailure {
        MessageRow row = rowOf(exchange.getIn());
        if (batching != null) {
            batching.insert(row);
        } else {
            direct.insert(List.of(row));
        }
        LOG.debug("{}: sql stored ({})", row.queueId(), row.bodyRef() == null ? "inline" : row.bodyRef());
    }

    /**
     * A batch is one transaction of its own (not through the group-commit writer: it is a group
     * already). If it fails, its rows are tried one by one, so one bad row cannot fail the others.
     */
    @Override
    protected void storeBatch(StoreBatch batch, Exchange exchange) {
        List<BatchEntry> entries = new ArrayList<>();
        List<MessageRow> rows = new ArrayList<>();
        for (BatchEntry entry : batch.pending()) {
            try {
                rows.add(rowOf(entry.message()));
                entries.add(entry);
            } catch (Throwable e) { // an Error too: StoreStep#classified(Throwable)
                entry.failed(classified(e));
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        try {
            direct.insert(rows);
            entries.forEach(BatchEntry::stored);
            return;
        } catch (SQLException e) {
            LOG.debug("batch of {} failed ({}); trying its rows one by one", rows.size(), e.getMessage());
        }
        for (int i = 0; i < rows.size(); i++) {
            try {
                direct.insert(List.of(rows.get(i)));
                entries.get(i).stored();
            } catch (SQLException e) {
                entries.get(i).failed(classified(e));
            }
        }
    }

    /** The row of a message; a body too large for it goes to its blob first (durable on return). */
    private MessageRow rowOf(Message in) throws IOException, PermanentStoreFailure {
        String queueId = in.getHeader(MailHeaders.QUEUE_ID, String.class);
        long receivedAt = in.getHeader(MailHeaders.RECEIVED_AT, Long.class);
        byte[] inline;
        String ref = null;
        byte[] head;
        if (in.getBody() instanceof byte[] whole && whole.length <= inlineLimit) {
            head = whole; // a store batch's small message: already one array, no stream and copy
            inline = whole;
        } else {
            try (InputStream body = in.getMandatoryBody(InputStream.class)) {
                head = body.readNBytes(Math.max(inlineLimit + 1, HEAD_FOR_SUBJECT));
                if (head.length <= inlineLimit) {
                    inline = head;
                } else {
                    inline = null;
                    ref = blobs.write(queueId, receivedAt, head, body);
                }
            } catch (InvalidPayloadException e) {
                throw new PermanentStoreFailure("message body is not readable: " + e.getMessage(), e);
            }
        }
        Envelope envelope = EnvelopeCodec.read(in);
        return new MessageRow(queueId, receivedAt, envelope.sender().toString(),
                envelope.recipients().stream().map(r -> r.address()).toList(),
                Subjects.of(head), sizeOf(in, head, inline), envelope.client().address(), envelope.client().helo(),
                in.getHeader(MailHeaders.AUTH_RESULTS, String.class),
                "true".equals(in.getHeader(MailHeaders.QUARANTINE, String.class)), inline, ref,
                in.getHeader(MailHeaders.ENVELOPE, String.class), in.getHeader(MailHeaders.SPAM_SCORE, Double.class),
                in.getHeader(MailHeaders.SPAM_VERDICT, String.class));
    }

    @Override
    protected boolean isPermanent(Exception failure) {
        return SqlFailures.isPermanent(failure);
    }

    private static long sizeOf(Message in, byte[] head, byte[] inline) {
        Long size = in.getHeader(MailHeaders.SIZE, Long.class);
        if (size != null) {
            return size;
        }
        return inline != null ? inline.length : head.length;
    }
}
