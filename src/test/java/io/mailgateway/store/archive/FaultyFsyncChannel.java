package io.mailgateway.store.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * A real file channel whose next fsync can be made to fail, as a disk's write error makes it
 * (EIO), which no test can cause on a healthy disk. The failing fsync can be held until the test
 * lets it return, so appends can be made while it runs; {@link #written} counts the writes.
 */
final class FaultyFsyncChannel extends FileChannel {

    /** Opens every hour file through one of these, sharing the fault switches. */
    static final class Faults implements ArchiveWriter.HourFileOpener {
        final Semaphore failNextForce = new Semaphore(0);
        final CountDownLatch failingForceEntered = new CountDownLatch(1);
        volatile CountDownLatch releaseFailingForce = new CountDownLatch(0);
        final Semaphore written = new Semaphore(0);
        /** The next positional write writes half, then fails (ENOSPC, EIO); the truncate after it fails too. */
        volatile boolean failNextWriteAndTruncate;
        volatile boolean failTruncate;

        @Override
        public FileChannel open(Path file) throws IOException {
            return new FaultyFsyncChannel(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), this);
        }
    }

    private final FileChannel file;
    private final Faults faults;

    private FaultyFsyncChannel(FileChannel file, Faults faults) {
        this.file = file;
        this.faults = faults;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (faults.failNextForce.tryAcquire()) {
            faults.failingForceEntered.countDown();
            try {
                faults.releaseFailingForce.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("Input/output error (fsync failure injected by the test)");
        }
        file.force(metaData);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (faults.failNextWriteAndTruncate) {
            faults.failNextWriteAndTruncate = false;
            faults.failTruncate = true;
            ByteBuffer half = src.duplicate();
            half.limit(half.position() + half.remaining() / 2);
            file.write(half, position);
            throw new IOException("No space left on device (injected by the test)");
        }
        int n = file.write(src, position);
        faults.written.release();
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return file.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return file.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return file.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return file.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (faults.failTruncate) {
            faults.failTruncate = false;
            throw new IOException("Input/output error (truncate failure injected by the test)");
        }
        file.truncate(size);
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return file.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return file.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return file.read(dst, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return file.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
