package io.mailgateway.store.archive;

import com.github.luben.zstd.Zstd;
import java.io.EOFException;
import java.io.IOException;
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
        byte[] id = queueId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(HEADER + 4 + id.length + compressed.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SKIPPABLE_MAGIC).putInt(4 + id.length).putInt(compressed.length).put(id).put(compressed);
        return b.flip();
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

    /** The decompressed mbox entry of a frame. */
    static byte[] read(FileChannel ch, Frame frame) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(frame.length());
        if (readFully(ch, data, frame.offset()) < frame.length()) {
            throw new EOFException("frame of " + frame.queueId() + " is cut short");
        }
        byte[] compressed = data.array();
        long size = Zstd.getFrameContentSize(compressed);
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new IOException("frame of " + frame.queueId() + " has no valid content size");
        }
        return Zstd.decompress(compressed, (int) size);
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
