package io.mailgateway.store.archive;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of an hour file: per message, a zstd skippable frame (an index record: the length of
 * the next frame and the queue ID; {@code zstd -d} ignores it) followed by the message's mbox entry
 * as one ordinary zstd frame. So {@code zstdcat HH.mbox.zst} prints the hour as one mbox, and a
 * reader finds every frame without decompressing the others.
 */
public final class ArchiveFrames {

    /** Skippable frame magic 0x184D2A5E (any of 0x184D2A50..5F), little-endian on disk. */
    static final int SKIPPABLE_MAGIC = 0x184D2A5E;
    private static final int HEADER = 8;
    private static final int LEVEL = 3;

    private ArchiveFrames() {
    }

    /** Where a message is in a file. */
    public record Frame(String queueId, long offset, int length) {
    }

    /** The index record plus the compressed entry, ready to append in one write. */
    static ByteBuffer encode(String queueId, byte[] mboxEntry) {
        byte[] compressed = Zstd.compress(mboxEntry, LEVEL);
        ByteBuffer index = index(queueId, compressed.length);
        return ByteBuffer.allocate(index.remaining() + compressed.length).put(index).put(compressed).flip();
    }

    /** The index record of a compressed entry of {@code compressedLength} bytes. */
    static ByteBuffer index(String queueId, long compressedLength) throws IllegalArgumentException {
        if (compressedLength <= 0 || compressedLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a compressed entry of " + compressedLength + " bytes does not fit an index record");
        }
        byte[] id = queueId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(HEADER + 4 + id.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SKIPPABLE_MAGIC).putInt(4 + id.length).putInt((int) compressedLength).put(id);
        return b.flip();
    }

    /**
     * Compresses what is written to the returned stream into {@code out} as one zstd frame (ended
     * by closing the stream, which closes {@code out}). The frame header has no content size, which
     * is only known at the end; readers decompress streaming.
     */
    static OutputStream compressing(OutputStream out) throws IOException {
        return new BufferedOutputStream(new ZstdOutputStream(out, LEVEL), 64 * 1024);
    }

    /** The complete frames of a file, in order; stops at an incomplete tail ({@link #truncated()}). */
    public record Scan(List<Frame> frames, long validLength, long fileLength) {
        public boolean truncated() {
            return validLength < fileLength;
        }
    }

    static Scan scan(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return scan(ch);
        }
    }

    static Scan scan(FileChannel ch) throws IOException {
        long size = ch.size();
        long pos = 0;
        List<Frame> frames = new ArrayList<>();
        ByteBuffer head = ByteBuffer.allocate(HEADER + 4).order(ByteOrder.LITTLE_ENDIAN);
        while (pos < size) {
            head.clear();
            if (size - pos < head.capacity() || readFully(ch, head, pos) < head.capacity()) {
                break;
            }
            head.flip();
            int magic = head.getInt();
            int recordLength = head.getInt();
            int compressedLength = head.getInt();
            if (magic != SKIPPABLE_MAGIC || recordLength < 4 || recordLength > 4096 || compressedLength <= 0) {
                break;
            }
            long dataStart = pos + HEADER + recordLength;
            if (dataStart + compressedLength > size) {
                break;
            }
            ByteBuffer id = ByteBuffer.allocate(recordLength - 4);
            readFully(ch, id, pos + HEADER + 4);
            frames.add(new Frame(new String(id.array(), StandardCharsets.UTF_8), dataStart, compressedLength));
            pos = dataStart + compressedLength;
        }
        return new Scan(frames, pos, size);
    }

    /** The decompressed mbox entry of a frame, in memory (for tests and tools; see {@link #copy}). */
    static byte[] read(FileChannel ch, Frame frame) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        copy(ch, frame, out);
        return out.toByteArray();
    }

    /**
     * Decompresses the mbox entry of a frame into {@code out}, streaming (frames written whole
     * have a content size in their header, frames written streaming do not; both read the same).
     * A corrupt or cut frame throws an IOException, possibly after writing part of the entry.
     */
    static void copy(FileChannel ch, Frame frame, OutputStream out) throws IOException {
        try (InputStream in = new ZstdInputStream(new RegionInputStream(ch, frame.offset(), frame.length()))) {
            in.transferTo(out);
        }
    }

    /** Positional reads of {@code length} bytes at {@code offset} (leaves the channel open). */
    private static final class RegionInputStream extends InputStream {
        private final FileChannel ch;
        private long pos;
        private final long end;

        RegionInputStream(FileChannel ch, long offset, long length) {
            this.ch = ch;
            this.pos = offset;
            this.end = offset + length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= end) {
                return -1;
            }
            int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
            if (n < 0) {
                throw new EOFException("archive frame cut short at offset " + pos);
            }
            pos += n;
            return n;
        }
    }

    private static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int total = 0;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
