package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Dot-stuffing and line-end repair, fed in every split of the input. */
class DataEncoderTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a\\r\\nb\\r\\n|a\\r\\nb\\r\\n.\\r\\n",
        ".\\r\\n|..\\r\\n.\\r\\n",
        "x\\r\\n.y\\r\\n..z|x\\r\\n..y\\r\\n...z\\r\\n.\\r\\n",
        "bare\\nlf\\n.\\n|bare\\r\\nlf\\r\\n..\\r\\n.\\r\\n",
        "bare\\rcr\\r.x|bare\\r\\ncr\\r\\n..x\\r\\n.\\r\\n",
        "a\\r\\r\\nb|a\\r\\n\\r\\nb\\r\\n.\\r\\n",
        "a\\r\\n.\\r\\nhidden|a\\r\\n..\\r\\nhidden\\r\\n.\\r\\n",
        "no end|no end\\r\\n.\\r\\n",
        "ends in cr\\r|ends in cr\\r\\n.\\r\\n",
    })
    void should_stuff_dots_and_make_every_line_end_crlf(String in, String expected) {
        byte[] src = unescape(in).getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= src.length; split++) {
            DataEncoder e = new DataEncoder();
            ByteBuf out = Unpooled.buffer();
            e.encode(src, 0, split, out);
            e.encode(src, split, src.length - split, out);
            e.finish(out);
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).as("split at %d", split).isEqualTo(unescape(expected));
            assertThat(out.readableBytes()).isLessThanOrEqualTo(DataEncoder.maxEncodedLength(src.length) + 3);
            out.release();
        }
    }

    /** BDAT chunks (RFC 3030): the same line-end repair, no dot-stuffing, nothing added at the end. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a\\r\\nb\\r\\n|a\\r\\nb\\r\\n",
        ".\\r\\n|.\\r\\n",
        "x\\r\\n.y\\r\\n..z|x\\r\\n.y\\r\\n..z",
        "bare\\nlf\\n.\\n|bare\\r\\nlf\\r\\n.\\r\\n",
        "bare\\rcr\\r.x|bare\\r\\ncr\\r\\n.x",
        "no end|no end",
        "ends in cr\\r|ends in cr\\r\\n",
    })
    void should_only_make_line_ends_crlf_for_chunks(String in, String expected) {
        byte[] src = unescape(in).getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= src.length; split++) {
            DataEncoder e = DataEncoder.forChunks();
            ByteBuf out = Unpooled.buffer();
            e.encode(src, 0, split, out);
            e.encode(src, split, src.length - split, out);
            e.finishChunks(out);
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).as("split at %d", split).isEqualTo(unescape(expected));
            out.release();
        }
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }
}
