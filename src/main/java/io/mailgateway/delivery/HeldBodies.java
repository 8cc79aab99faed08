package io.mailgateway.delivery;

import io.mailgateway.message.MessageContent;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.camel.Exchange;

/**
 * The body of a consumed delivery message, made readable as often as an attempt needs it (each
 * next hop, the retry copy, the DSN's headers, the dead letter): in memory up to
 * {@link #IN_MEMORY_LIMIT}, else in a spool file, so a large message (a stream from the broker)
 * is never whole in the heap. The caller releases it (the spool file is deleted then; files left
 * by a crash are removed at the next start, with the rest of the spool).
 */
final class HeldBodies {

    static final int IN_MEMORY_LIMIT = 102_400;

    private HeldBodies() {
    }

    static MessageContent hold(Exchange exchange, Path spoolDir, String queueId) throws Exception {
        Object body = exchange.getIn().getBody();
        if (body instanceof byte[] bytes) {
            return MessageContent.inBuffer(Unpooled.wrappedBuffer(bytes));
        }
        try (InputStream stream = exchange.getIn().getMandatoryBody(InputStream.class)) {
            byte[] head = stream.readNBytes(IN_MEMORY_LIMIT + 1);
            if (head.length <= IN_MEMORY_LIMIT) {
                return MessageContent.inBuffer(Unpooled.wrappedBuffer(head));
            }
            Files.createDirectories(spoolDir);
            Path file = spoolDir.resolve("delivery-" + queueId + "-" + UUID.randomUUID() + ".eml");
            long size;
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(head);
                size = head.length + stream.transferTo(out);
            } catch (IOException | RuntimeException e) { // the broker's stream fails with a RuntimeException too
                Files.deleteIfExists(file);
                throw e;
            }
            return MessageContent.inSpoolFile(file, size);
        }
    }
}
