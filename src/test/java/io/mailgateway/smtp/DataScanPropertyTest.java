package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The DATA scan of {@link SmtpFrameDecoder}, which jumps from LF to LF, against the rule it
 * implements read one octet at a time (RFC 5321 4.5.2, with only CR LF starting a line): for any
 * octets after DATA, stuffed or not, cut into reads of any size, the same content and the same end.
 */
class DataScanPropertyTest {

    /** What the rule passes on, and whether it saw the end. */
    private record Result(byte[] content, boolean ended) {
    }

    @Property(tries = 2000)
    void the_scan_finds_the_same_content_and_end_as_the_rule_octet_by_octet(@ForAll("afterData") byte[] input,
                                                                          @ForAll @IntRange(min = 1, max = 64) int read) {
        Result expected = byOctet(input);

        SmtpFrameDecoder decoder = new SmtpFrameDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        decoder.expectData();
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        boolean ended = false;
        for (int at = 0; at < input.length && !ended; at += read) {
            channel.writeInbound(Unpooled.wrappedBuffer(input, at, Math.min(read, input.length - at)));
            for (Object frame; (frame = channel.readInbound()) != null; ) {
                if (ended) { // the decoder is back in command mode: what follows the end is commands
                    ReferenceCountUtil.release(frame);
                    continue;
                }
                SmtpFrame.Content c = (SmtpFrame.Content) frame;
                ByteBuf bytes = c.bytes();
                byte[] chunk = new byte[bytes.readableBytes()];
                bytes.readBytes(chunk);
                bytes.release();
                content.writeBytes(chunk);
                ended = c.end();
            }
        }
        channel.finishAndReleaseAll();

        assertThat(ended).as("end of data").isEqualTo(expected.ended());
        assertThat(content.toByteArray()).isEqualTo(expected.content());
    }

    @Provide
    Arbitrary<byte[]> afterData() {
        Arbitrary<String> pieces = Arbitraries.of(".", "..", "\r\n", "\r", "\n", ".\r\n", "\r\n.", "\r\n.\r\n",
                "\n.\n", "\r.\r", "text", "a line of some length, as mail has\r\n", "\0", "\u00e9");
        return pieces.list().ofMaxSize(40).map(list -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.forEach(p -> out.writeBytes(p.getBytes(StandardCharsets.ISO_8859_1)));
            return out.toByteArray();
        });
    }

    /**
     * The rule, one octet at a time: a dot that starts a line ends the data if CR LF follows,
     * else it is dropped. A line-starting dot (or dot CR) at the very end of the input is held,
     * as its fate depends on octets not yet read.
     */
    private static Result byOctet(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        boolean afterCr = false;
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (lineStart && b == '.') {
                boolean crNext = i + 1 < in.length && in[i + 1] == '\r';
                if (crNext && i + 2 < in.length && in[i + 2] == '\n') {
                    return new Result(out.toByteArray(), true);
                }
                if (i + 1 == in.length || (crNext && i + 2 == in.length)) {
                    break; // held
                }
                lineStart = false;
                continue;
            }
            out.write(b);
            lineStart = afterCr && b == '\n';
            afterCr = b == '\r';
        }
        return new Result(out.toByteArray(), false);
    }
}
