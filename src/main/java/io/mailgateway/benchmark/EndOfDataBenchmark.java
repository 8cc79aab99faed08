package io.mailgateway.benchmark;

import io.mailgateway.smtp.SmtpFrame;
import io.mailgateway.smtp.SmtpFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The DATA phase through {@link SmtpFrameDecoder}: a message arriving in 16 KiB reads, scanned
 * for CRLF.CRLF, dot-unstuffed (RFC 5321 4.5.2) and passed on as content slices, which are
 * released as the session releases them once copied into its message buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EndOfDataBenchmark {

    static final int READ_SIZE = 16 * 1024;

    /** Message size in octets, before dot-stuffing. */
    @Param({"4096", "65536", "1048576"})
    public int size;

    private SmtpFrameDecoder decoder;
    private EmbeddedChannel channel;
    private ByteBuf wire;
    private long expectedOctets;

    @Setup
    public void setUp() {
        byte[] message = SampleMessage.message(size);
        expectedOctets = message.length;
        wire = Unpooled.directBuffer().writeBytes(SampleMessage.dataPhase(message));
        decoder = new SmtpFrameDecoder();
        channel = new EmbeddedChannel(decoder);
        long got = receiveMessage();
        if (got != expectedOctets) {
            throw new IllegalStateException("decoded " + got + " octets of content, expected " + expectedOctets);
        }
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        wire.release();
    }

    /** @return the content octets passed on (the message, unstuffed), or -1 without the end mark */
    @Benchmark
    public long receiveMessage() {
        decoder.expectData(); // what the session does after its 354 reply
        long octets = 0;
        boolean end = false;
        for (int offset = 0; offset < wire.readableBytes(); offset += READ_SIZE) {
            channel.writeInbound(wire.retainedSlice(offset, Math.min(READ_SIZE, wire.readableBytes() - offset)));
            for (Object f; (f = channel.readInbound()) != null; ) {
                SmtpFrame.Content content = (SmtpFrame.Content) f;
                octets += content.bytes().readableBytes();
                end |= content.end();
                content.bytes().release();
            }
        }
        return end ? octets : -1;
    }
}
