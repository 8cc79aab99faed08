package io.mailgateway.store.archive;

import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import io.mailgateway.store.PermanentStoreFailure;
import io.mailgateway.store.StoreStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive store's processor: the message as an mbox entry appended to its hour file, on disk
 * before the route ends (so before the broker ack). At least once: a redelivered message whose
 * queue ID is already in its hour file is not appended again; a crash between the fsync and the
 * ack can still leave one duplicate in rare cases, which readers drop by queue ID. Failures are
 * classified by {@link StoreStep}: I/O is transient, an unreadable envelope or body permanent.
 */
public class ArchiveStore extends StoreStep {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveStore.class);

    private final ArchiveWriter writer;

    public ArchiveStore(ArchiveWriter writer) {
        super("archive");
        this.writer = writer;
    }

    public ArchiveWriter writer() {
        return writer;
    }

    @Override
    protected void store(Exchange exchange) throws IOException, PermanentStoreFailure {
        Message in = exchange.getIn();
        String queueId = in.getHeader(MailHeaders.QUEUE_ID, String.class);
        long receivedAt = in.getHeader(MailHeaders.RECEIVED_AT, Long.class);
        String sender = EnvelopeCodec.read(in).sender().toString();
        boolean redelivered = Boolean.TRUE.equals(in.getHeader("JMSRedelivered", Boolean.class));
        boolean appended;
        try (InputStream body = in.getMandatoryBody(InputStream.class)) {
            appended = writer.append(queueId, sender, receivedAt, body, redelivered); // streaming, bounded memory
        } catch (InvalidPayloadException e) {
            throw new PermanentStoreFailure("message body is not readable: " + e.getMessage(), e);
        }
        LOG.debug("{}: archive {}", queueId, appended ? "appended" : "had it already");
    }
}
