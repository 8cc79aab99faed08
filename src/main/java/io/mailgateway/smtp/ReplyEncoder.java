package io.mailgateway.smtp;

import io.mailgateway.reply.EnhancedStatus;
import io.mailgateway.reply.SmtpReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.List;

/**
 * A reply's wire form, the octets of {@link SmtpReply#toBytes()}, written straight into a buffer
 * from the channel's pooled allocator. A session answers four times per message, and building
 * a String, a byte array and a wrapper for each reply was a few per cent of everything the
 * gateway allocated per message; the pooled buffer is also what the socket writes from, so
 * nothing is copied again.
 */
final class ReplyEncoder {

    private ReplyEncoder() {
    }

    static ByteBuf encode(ByteBufAllocator alloc, SmtpReply reply) {
        List<String> lines = reply.lines();
        int estimate = 0;
        for (String line : lines) {
            estimate += line.length() + 16;
        }
        ByteBuf buf = alloc.buffer(estimate);
        for (int i = 0; i < lines.size(); i++) {
            number(buf, reply.code());
            buf.writeByte(i == lines.size() - 1 ? ' ' : '-');
            EnhancedStatus status = reply.status();
            if (status != null) {
                number(buf, status.statusClass());
                buf.writeByte('.');
                number(buf, status.subject());
                buf.writeByte('.');
                number(buf, status.detail());
                buf.writeByte(' ');
            }
            ByteBufUtil.writeUtf8(buf, lines.get(i));
            buf.writeByte('\r').writeByte('\n');
        }
        return buf;
    }

    /** A non-negative int in decimal, without a String. */
    private static void number(ByteBuf buf, int n) {
        if (n >= 10) {
            number(buf, n / 10);
        }
        buf.writeByte('0' + n % 10);
    }
}
