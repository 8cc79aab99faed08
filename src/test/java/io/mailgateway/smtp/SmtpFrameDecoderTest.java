package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The codec without sockets (EmbeddedChannel), fed whole and one byte at a time, since a
 * network splits input anywhere. A tiny session stand-in switches to DATA after "DATA".
 */
class SmtpFrameDecoderTest {

    /** Records frames; after a "DATA" line switches the decoder to data mode, like the session. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final SmtpFrameDecoder decoder;
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream content = new ByteArrayOutputStream();
        long chunkAfterBdat;

        Recorder(SmtpFrameDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof SmtpFrame.CommandLine line) {
                events.add(line.problem() == SmtpFrame.Problem.NONE ? "CMD " + line.text() : line.problem().name());
                decoder.expectSaslResponse(line.text().equals("AUTH LOGIN"));
                if (line.text().equals("DATA")) {
                    decoder.expectData();
                } else if (line.text().startsWith("BDAT ")) {
                    decoder.expectChunk(Long.parseLong(line.text().split(" ")[1]));
                }
            } else if (msg instanceof SmtpFrame.Content c) {
                ByteBuf b = c.bytes();
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                content.writeBytes(bytes);
                b.release();
                if (c.end()) {
                    events.add("END " + content.toString(StandardCharsets.ISO_8859_1));
                    content.reset();
                }
            }
        }
    }

    private static List<String> decode(String input, boolean byteByByte) {
        SmtpFrameDecoder decoder = new SmtpFrameDecoder();
        Recorder recorder = new Recorder(decoder);
        EmbeddedChannel ch = new EmbeddedChannel(decoder, recorder);
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        if (byteByByte) {
            for (byte b : bytes) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        } else {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
        ch.finishAndReleaseAll();
        return recorder.events;
    }

    private static void assertBoth(String input, String... expected) {
        assertThat(decode(input, false)).as("whole").containsExactly(expected);
        assertThat(decode(input, true)).as("byte by byte").containsExactly(expected);
    }

    @Test
    void should_split_pipelined_commands_in_order() {
        assertBoth("EHLO a\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n", "CMD EHLO a", "CMD MAIL FROM:<a@b>", "CMD RCPT TO:<c@d>");
    }

    @Test
    void should_tolerate_bare_lf_after_a_command() {
        assertBoth("NOOP\nQUIT\r\n", "CMD NOOP", "CMD QUIT");
    }

    @Test
    void should_report_a_line_over_512_octets_once_and_go_on() {
        String longLine = "NOOP " + "x".repeat(600) + "\r\n";
        assertBoth(longLine + "QUIT\r\n", "TOO_LONG", "CMD QUIT");
    }

    /** RFC 4954 4: AUTH and the lines of its exchange may be 12288 octets; other commands 512. */
    @Test
    void should_take_long_auth_lines_and_sasl_responses_but_no_other_long_command() {
        String response = "A".repeat(2000);
        assertBoth("auth plain " + response + "\r\nNOOP " + response + "\r\nQUIT\r\n",
                "CMD auth plain " + response, "TOO_LONG", "CMD QUIT");
        assertBoth("AUTH LOGIN\r\n" + response + "\r\n" + response + "\r\n",
                "CMD AUTH LOGIN", "CMD " + response, "TOO_LONG");
        assertBoth("AUTH PLAIN " + "A".repeat(SmtpFrameDecoder.MAX_AUTH_LINE) + "\r\nQUIT\r\n", "TOO_LONG", "CMD QUIT");
    }

    @Test
    void should_accept_a_line_of_exactly_512_octets_with_crlf() {
        String line = "NOOP " + "x".repeat(512 - 7);
        assertBoth(line + "\r\n", "CMD " + line);
    }

    @Test
    void should_flag_nul_in_a_command() {
        assertBoth("NO\0OP\r\nQUIT\r\n", "NUL", "CMD QUIT");
    }

    @Test
    void should_end_data_only_at_crlf_dot_crlf_and_unstuff_dots() {
        assertBoth("DATA\r\nline1\r\n..dotted\r\n...two\r\n.\r\nQUIT\r\n",
                "CMD DATA", "END line1\r\n.dotted\r\n..two\r\n", "CMD QUIT");
    }

    @Test
    void should_end_an_empty_message_at_once() {
        assertBoth("DATA\r\n.\r\nNOOP\r\n", "CMD DATA", "END ", "CMD NOOP");
    }

    @Test
    void should_not_end_data_at_bare_lf_dot_lf() {
        assertBoth("DATA\r\na\n.\nMAIL FROM:<x@y>\r\n.\r\n", "CMD DATA", "END a\n.\nMAIL FROM:<x@y>\r\n");
    }

    @Test
    void should_not_end_data_at_bare_cr_dot_cr() {
        assertBoth("DATA\r\na\r.\rb\r\n.\r\n", "CMD DATA", "END a\r.\rb\r\n");
    }

    @Test
    void should_not_end_data_at_crlf_dot_lf_or_lf_dot_crlf() {
        // ".\n" after CRLF: the dot starts a line and is removed, the bare LF stays data.
        assertBoth("DATA\r\na\r\n.\nb\n.\r\nc\r\n.\r\n", "CMD DATA", "END a\r\n\nb\n.\r\nc\r\n");
    }

    @Test
    void should_keep_a_dot_followed_by_bare_cr_as_data_without_the_stuffed_dot() {
        assertBoth("DATA\r\n.\rx\r\n.\r\n", "CMD DATA", "END \rx\r\n");
    }

    @Test
    void should_pass_long_text_lines_through_without_limit() {
        String line = "y".repeat(20_000);
        assertBoth("DATA\r\n" + line + "\r\n.\r\n", "CMD DATA", "END " + line + "\r\n");
    }

    @Test
    void should_keep_8bit_bytes_untouched() {
        String body = "Subject: \u00e9\u00ff\u0080\r\n\r\n\u00c3\u00a9t\u00e9\r\n";
        assertBoth("DATA\r\n" + body + ".\r\n", "CMD DATA", "END " + body);
    }

    @Test
    void should_read_a_bdat_chunk_raw_with_dots_and_crlf_dot_crlf_inside() {
        String chunk = ".\r\n..x\r\n.\r\n";
        assertBoth("BDAT " + chunk.length() + "\r\n" + chunk + "NOOP\r\n",
                "CMD BDAT " + chunk.length(), "END " + chunk, "CMD NOOP");
    }

    @Test
    void should_hold_pipelined_commands_while_paused_and_decode_them_on_resume() {
        SmtpFrameDecoder decoder = new SmtpFrameDecoder();
        Recorder recorder = new Recorder(decoder);
        EmbeddedChannel ch = new EmbeddedChannel(decoder, recorder);
        ch.writeInbound(Unpooled.wrappedBuffer("NOOP\r\n".getBytes(StandardCharsets.US_ASCII)));
        decoder.pause();
        ch.writeInbound(Unpooled.wrappedBuffer("RSET\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(recorder.events).containsExactly("CMD NOOP");
        decoder.resume();
        assertThat(recorder.events).containsExactly("CMD NOOP", "CMD RSET", "CMD QUIT");
        ch.finishAndReleaseAll();
    }
}
