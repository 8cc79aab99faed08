package io.mailgateway.benchmark;

import io.mailgateway.smtp.PathParser;
import io.mailgateway.smtp.SmtpFrame;
import io.mailgateway.smtp.SmtpFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * SMTP command parsing: one pipelined transaction (RFC 2920: MAIL, five RCPTs and DATA in one
 * read, as a busy client sends it) framed into command lines by {@link SmtpFrameDecoder} on a
 * Netty {@link EmbeddedChannel} (its line search, NUL check and UTF-8 decoding), and in the
 * second benchmark the MAIL/RCPT arguments then parsed by {@link PathParser}, as the commands do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SmtpParsingBenchmark {

    static final String PIPELINED_TRANSACTION = "MAIL FROM:<newsletter+bounces@lists.example.com> SIZE=48213 BODY=8BITMIME\r\n"
            + "RCPT TO:<alice@example.org>\r\n"
            + "RCPT TO:<bob.smith@mail.example.org> NOTIFY=FAILURE,DELAY\r\n"
            + "RCPT TO:<\"carol q. public\"@example.net>\r\n"
            + "RCPT TO:<dave@sub.domain.example.co.uk>\r\n"
            + "RCPT TO:<erin_42@example.com> ORCPT=rfc822;erin_42@example.com\r\n"
            + "DATA\r\n";
    static final int LINES = 7;

    private EmbeddedChannel channel;
    private ByteBuf batch;

    @Setup
    public void setUp() {
        channel = new EmbeddedChannel(new SmtpFrameDecoder());
        batch = Unpooled.directBuffer().writeBytes(PIPELINED_TRANSACTION.getBytes(StandardCharsets.US_ASCII));
        int[] counts = new int[2];
        feed();
        for (Object f; (f = channel.readInbound()) != null; ) {
            counts[0]++;
            if (f instanceof SmtpFrame.CommandLine line && parsePath(line.text()) != null) {
                counts[1]++;
            }
        }
        if (counts[0] != LINES || counts[1] != LINES - 1) {
            throw new IllegalStateException("sample transaction framed into " + counts[0] + " lines, " + counts[1] + " paths");
        }
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        batch.release();
    }

    /** Every command line of the batch, out of the decoder. */
    @Benchmark
    public void frameCommands(Blackhole bh) {
        feed();
        for (Object f; (f = channel.readInbound()) != null; ) {
            bh.consume(f);
        }
    }

    /** The same, then each MAIL/RCPT argument through the path parser. */
    @Benchmark
    public void frameAndParsePaths(Blackhole bh) {
        feed();
        for (Object f; (f = channel.readInbound()) != null; ) {
            bh.consume(parsePath(((SmtpFrame.CommandLine) f).text()));
        }
    }

    /** One network read: the decoder takes ownership of (and releases) a retained duplicate of the batch. */
    private void feed() {
        channel.writeInbound(batch.retainedDuplicate());
    }

    /** The argument after "MAIL " or "RCPT " through the parser; null for other verbs. */
    private static Object parsePath(String line) {
        if (line.regionMatches(true, 0, "MAIL ", 0, 5)) {
            return PathParser.parse(line.substring(5), "FROM").orElse(null);
        }
        if (line.regionMatches(true, 0, "RCPT ", 0, 5)) {
            return PathParser.parse(line.substring(5), "TO").orElse(null);
        }
        return null;
    }
}
