package io.mailgateway.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of one received message, readable as often as needed, held either in a pooled
 * buffer (small messages) or in a spool file (large ones), so a large message is never whole
 * in the heap. Trace headers are added with {@link #withPrefix} without copying the body.
 *
 * <p>Lifecycle: created at end of data by the SMTP session, read by the inbound route, and
 * {@link #release() released} by its creator once the route is done; views made by
 * {@code withPrefix} share the storage and are never released themselves.
 */
public final class MessageContent {

    private static final byte[] NONE = new byte[0];

    /** What the gateway prepended (trace headers). */
    private final byte[] prefix;
    /** Replaces the first {@link #skip} octets of the storage in the message as received. */
    private final byte[] head;
    private final Storage storage;
    private final long skip;

    private MessageContent(byte[] prefix, byte[] head, Storage storage, long skip) {
        this.prefix = prefix;
        this.head = head;
        this.storage = storage;
        this.skip = skip;
    }

    /** Content held in a (pooled) buffer; the buffer is released by {@link #release()}. */
    public static MessageContent inBuffer(ByteBuf buffer) {
        return new MessageContent(NONE, NONE, new BufferStorage(buffer), 0);
    }

    /** Content held in a spool file; the file is deleted by {@link #release()}. */
    public static MessageContent inSpoolFile(Path file, long size) {
        return new MessageContent(NONE, NONE, new FileStorage(file, size), 0);
    }

    /** A view with {@code header} bytes in front, e.g. a Received: line (RFC 5321 4.4). */
    public MessageContent withPrefix(byte[] header) {
        byte[] joined = new byte[header.length + prefix.length];
        System.arraycopy(header, 0, joined, 0, header.length);
        System.arraycopy(prefix, 0, joined, header.length, prefix.length);
        return new MessageContent(joined, head, storage, skip);
    }

    /**
     * A view whose first {@code length} octets of the message as received are replaced by
     * {@code replacement} (e.g. the header section without a forged field), the rest still read
     * from the shared storage: only the replaced head is ever copied, never the body. Once per
     * message.
     */
    public MessageContent withReceivedHead(long length, byte[] replacement) {
        if (skip != 0 || head.length != 0 || length < 0 || length > storage.size()) {
            throw new IllegalArgumentException("head of " + length + " octets cannot be replaced");
        }
        return new MessageContent(prefix, replacement.clone(), storage, length);
    }

    public long size() {
        return prefix.length + receivedSize();
    }

    /** Octets of {@link #openReceived()}: the message as received, without what the gateway prepended. */
    public long receivedSize() {
        return head.length + storage.size() - skip;
    }

    /** The whole message: what the gateway prepended, then the message as received. */
    public InputStream openStream() {
        InputStream received = openReceived();
        return prefix.length == 0 ? received : new SequenceInputStream(new ByteArrayInputStream(prefix), received);
    }

    /**
     * The message as the client sent it (less any field {@link #withReceivedHead removed}),
     * without what the gateway prepended: what DKIM verifies and what the policy steps read.
     */
    public InputStream openReceived() {
        InputStream body = storage.open();
        if (skip > 0) {
            try {
                body.skipNBytes(skip);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return head.length == 0 ? body : new SequenceInputStream(new ByteArrayInputStream(head), body);
    }

    /** Frees the buffer or deletes the spool file. Idempotent. */
    public void release() {
        storage.release();
    }

    private interface Storage {
        long size();

        InputStream open();

        void release();
    }

    private static final class BufferStorage implements Storage {
        private ByteBuf buffer;

        BufferStorage(ByteBuf buffer) {
            this.buffer = buffer;
        }

        @Override
        public synchronized long size() {
            return buffer == null ? 0 : buffer.readableBytes();
        }

        @Override
        public synchronized InputStream open() {
            if (buffer == null) {
                throw new IllegalStateException("message content already released");
            }
            return new ByteBufInputStream(buffer.duplicate(), false);
        }

        @Override
        public synchronized void release() {
            if (buffer != null) {
                buffer.release();
                buffer = null;
            }
        }
    }

    private record FileStorage(Path file, long size) implements Storage {
        @Override
        public InputStream open() {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void release() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
