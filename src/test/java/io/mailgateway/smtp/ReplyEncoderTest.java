package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.reply.EnhancedStatus;
import io.mailgateway.reply.SmtpReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyEncoderTest {

    private static byte[] encoded(SmtpReply reply) {
        ByteBuf buf = ReplyEncoder.encode(PooledByteBufAllocator.DEFAULT, reply);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void should_write_the_octets_of_toBytes() {
        List<SmtpReply> replies = List.of(
                SmtpReply.of(250, EnhancedStatus.of(2, 0, 0), "Ok: queued as 4ABCDEF"),
                SmtpReply.of(220, null, "mx.example.com ESMTP"),
                SmtpReply.of(550, EnhancedStatus.of(5, 7, 1), "Relay access denied"),
                SmtpReply.of(452, EnhancedStatus.of(4, 5, 3), "Too many recipients"),
                SmtpReply.of(421, EnhancedStatus.of(4, 7, 0), "Grüße: try again in 10 seconds").thenClose(),
                new SmtpReply(250, null, List.of("mx.example.com", "PIPELINING", "SIZE 52428800", "8BITMIME"), false),
                new SmtpReply(554, EnhancedStatus.of(5, 123, 456), List.of("first", "", "last"), false));
        for (SmtpReply reply : replies) {
            assertThat(encoded(reply)).as(reply.toString()).isEqualTo(reply.toBytes());
        }
    }

    @Test
    void should_end_every_line_in_crlf_with_a_hyphen_on_all_but_the_last() {
        String wire = new String(encoded(new SmtpReply(250, EnhancedStatus.of(2, 1, 0), List.of("a", "b", "c"), false)),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(wire).isEqualTo("250-2.1.0 a\r\n250-2.1.0 b\r\n250 2.1.0 c\r\n");
    }
}
