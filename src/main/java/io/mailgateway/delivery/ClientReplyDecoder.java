package io.mailgateway.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins reply lines (one frame each, CRLF stripped by a line decoder before it) into one
 * {@link ClientReply}: "250-..." lines continue a reply, the "250 ..." line ends it
 * (RFC 5321 4.2.1). A line that is not a reply is a protocol error and ends the connection.
 */
final class ClientReplyDecoder extends MessageToMessageDecoder<ByteBuf> {

    /** Lines of one reply at most; a server sending more is broken or hostile. */
    private static final int MAX_LINES = 200;

    private final List<String> lines = new ArrayList<>();
    private int code = -1;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf line, List<Object> out) {
        // UTF-8: an SMTPUTF8 server may reply with non-ASCII text (RFC 6531 3.7.4).
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.length() < 3 || !Character.isDigit(text.charAt(0)) || !Character.isDigit(text.charAt(1))
                || !Character.isDigit(text.charAt(2)) || (text.length() > 3 && text.charAt(3) != ' ' && text.charAt(3) != '-')) {
            throw new CorruptedFrameException("not an SMTP reply line: " + abbreviate(text));
        }
        int lineCode = Integer.parseInt(text.substring(0, 3));
        if (code >= 0 && lineCode != code) {
            throw new CorruptedFrameException("reply code changed within a multi-line reply: " + abbreviate(text));
        }
        code = lineCode;
        lines.add(text.length() > 4 ? text.substring(4) : "");
        if (lines.size() > MAX_LINES) {
            throw new CorruptedFrameException("reply of more than " + MAX_LINES + " lines");
        }
        if (text.length() == 3 || text.charAt(3) == ' ') {
            out.add(new ClientReply(code, lines));
            lines.clear();
            code = -1;
        }
    }

    /** Lines of a multi-line reply not yet ended. Event loop only. */
    int pendingLines() {
        return lines.size();
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
