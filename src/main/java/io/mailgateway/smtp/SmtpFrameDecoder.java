package io.mailgateway.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits the inbound byte stream into SMTP frames. Three modes, switched by the session:
 * <ul>
 *   <li>command lines, at most {@value #MAX_COMMAND_LINE} octets with the line ending (RFC 5321 4.5.3.1.4);</li>
 *   <li>DATA content, dot-unstuffed (RFC 5321 4.5.2), ending only at {@code CRLF.CRLF}: a bare LF or
 *       bare CR never ends a line here, so {@code LF.LF} or {@code CR.CR} cannot smuggle a second message;</li>
 *   <li>a BDAT chunk of exactly n octets, passed through untouched (RFC 3030).</li>
 * </ul>
 * It emits at most one frame per decode step, so the session can switch mode before the next
 * pipelined byte is read, and it can be paused while a message is being made durable.
 * Memory stays bounded: content is passed on as it arrives, long lines are discarded as they stream.
 */
public final class SmtpFrameDecoder extends ByteToMessageDecoder {

    public static final int MAX_COMMAND_LINE = 512;
    /**
     * RFC 4954 4: an AUTH command and each line of its exchange may be 12288 octets, so that a
     * long SASL response fits (AUTH PLAIN with a 400-octet password is 560 characters of Base64).
     * Sasl's own limits on what such a line holds still apply.
     */
    public static final int MAX_AUTH_LINE = 12_288;
    private static final byte[] AUTH = "AUTH ".getBytes(StandardCharsets.US_ASCII);

    private enum Mode { COMMAND, DISCARD_LONG_LINE, DATA, CHUNK }

    private Mode mode = Mode.COMMAND;
    private boolean paused;
    // DATA state carried across reads
    private boolean atLineStart;
    private boolean afterCr;
    // CHUNK state
    private long chunkRemaining;
    /** Inside an AUTH exchange: the next line is a SASL response, up to MAX_AUTH_LINE. */
    private boolean saslResponse;
    private ChannelHandlerContext context;

    /** After a 354 reply: what follows is DATA content up to CRLF.CRLF. */
    public void expectData() {
        mode = Mode.DATA;
        atLineStart = true;
        afterCr = false;
    }

    /** After a BDAT command: the next {@code size} octets are chunk content (size > 0). */
    public void expectChunk(long size) {
        mode = Mode.CHUNK;
        chunkRemaining = size;
    }

    /** Whether the next line is a response inside an AUTH exchange (RFC 4954 4), which may be long. */
    public void expectSaslResponse(boolean expected) {
        saslResponse = expected;
    }

    /** Stop decoding (bytes stay buffered) until {@link #resume}. */
    public void pause() {
        paused = true;
    }

    /** Decode again whatever is buffered, e.g. commands pipelined behind a finished message. */
    public void resume() {
        paused = false;
        ChannelHandlerContext ctx = context;
        if (ctx != null && !ctx.isRemoved()) {
            // An empty read makes ByteToMessageDecoder run decode() on what it has accumulated.
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            }
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        context = ctx;
        super.handlerAdded(ctx);
    }

    /**
     * Drops every byte received but not yet decoded and decodes again from the next read. After
     * STARTTLS: commands a client (or a man in the middle) pipelined behind it in clear must
     * never be answered inside the TLS session (RFC 3207 5, CVE-2011-0411).
     */
    public void discardBuffered() {
        ByteBuf buffered = internalBuffer();
        buffered.skipBytes(buffered.readableBytes());
        mode = Mode.COMMAND;
        paused = false;
    }

    public boolean isPaused() {
        return paused;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (paused || !in.isReadable()) {
            return;
        }
        switch (mode) {
            case COMMAND -> decodeCommand(in, out);
            case DISCARD_LONG_LINE -> discardLongLine(in, out);
            case DATA -> decodeData(in, out);
            case CHUNK -> decodeChunk(in, out);
        }
    }

    private void decodeCommand(ByteBuf in, List<Object> out) {
        int limit = saslResponse || startsWithAuth(in) ? MAX_AUTH_LINE : MAX_COMMAND_LINE;
        int searchable = Math.min(in.readableBytes(), limit);
        int lf = in.indexOf(in.readerIndex(), in.readerIndex() + searchable, (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() >= limit) {
                mode = Mode.DISCARD_LONG_LINE;
                discardLongLine(in, out);
            }
            return;
        }
        int length = lf - in.readerIndex();
        // Commands end in CRLF; a bare LF is tolerated here (as Postfix does) since no content
        // boundary depends on it. DATA content is strict.
        int textLength = length > 0 && in.getByte(lf - 1) == '\r' ? length - 1 : length;
        SmtpFrame.Problem problem = in.indexOf(in.readerIndex(), in.readerIndex() + textLength, (byte) 0) >= 0
                ? SmtpFrame.Problem.NUL : SmtpFrame.Problem.NONE;
        String text = in.toString(in.readerIndex(), textLength, StandardCharsets.UTF_8);
        in.skipBytes(length + 1);
        out.add(new SmtpFrame.CommandLine(problem == SmtpFrame.Problem.NONE ? text : "", problem));
    }

    /** The line starts "AUTH " (any case): only 5 octets are looked at. */
    private static boolean startsWithAuth(ByteBuf in) {
        if (in.readableBytes() < AUTH.length) {
            return false;
        }
        for (int i = 0; i < AUTH.length; i++) {
            if ((in.getByte(in.readerIndex() + i) & ~0x20) != (AUTH[i] & ~0x20)) {
                return false;
            }
        }
        return true;
    }

    private void discardLongLine(ByteBuf in, List<Object> out) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            in.skipBytes(in.readableBytes());
            return;
        }
        in.readerIndex(lf + 1);
        mode = Mode.COMMAND;
        out.add(SmtpFrame.CommandLine.tooLong());
    }

    private void decodeData(ByteBuf in, List<Object> out) {
        if (atLineStart && in.getByte(in.readerIndex()) == '.') {
            // RFC 5321 4.5.2: a line starting with "." either ends the data (".CRLF") or loses that dot.
            if (in.readableBytes() < 2) {
                return;
            }
            if (in.getByte(in.readerIndex() + 1) == '\r') {
                if (in.readableBytes() < 3) {
                    return;
                }
                if (in.getByte(in.readerIndex() + 2) == '\n') {
                    in.skipBytes(3);
                    mode = Mode.COMMAND;
                    out.add(new SmtpFrame.Content(Unpooled.EMPTY_BUFFER, true));
                    return;
                }
            }
            in.skipBytes(1);
            atLineStart = false;
            if (!in.isReadable()) {
                return;
            }
        }
        int start = in.readerIndex();
        int end = scanToLineStartDot(in, start, in.writerIndex());
        out.add(new SmtpFrame.Content(in.readRetainedSlice(end - start), false));
    }

    /**
     * The index of the first dot in {@code [from, to)} that starts a line (only CR LF starts a
     * line), or {@code to}; updates the line state to what it is just before that index. Jumps
     * from LF to LF with {@link ByteBuf#indexOf}, which Netty scans eight octets at a time, rather
     * than looking at every octet: a body of 78-octet lines costs one step per line. (The first
     * octet of a run is never such a dot: {@link #decodeData} consumes it first.)
     */
    private int scanToLineStartDot(ByteBuf in, int from, int to) {
        int position = from;
        boolean crBefore = afterCr; // is the octet before position a CR
        while (true) {
            int lf = in.indexOf(position, to, (byte) '\n');
            if (lf < 0) { // position < to here: it starts below to, and a LF at to - 1 returned below
                atLineStart = false;
                afterCr = in.getByte(to - 1) == '\r';
                return to;
            }
            boolean lineStart = lf > position ? in.getByte(lf - 1) == '\r' : crBefore;
            position = lf + 1;
            crBefore = false; // the octet before position is now this LF
            if (position == to) {
                atLineStart = lineStart;
                afterCr = false;
                return to;
            }
            if (lineStart && in.getByte(position) == '.') {
                atLineStart = true;
                afterCr = false;
                return position;
            }
        }
    }

    private void decodeChunk(ByteBuf in, List<Object> out) {
        int take = (int) Math.min(chunkRemaining, in.readableBytes());
        chunkRemaining -= take;
        boolean last = chunkRemaining == 0;
        if (last) {
            mode = Mode.COMMAND;
        }
        out.add(new SmtpFrame.Content(in.readRetainedSlice(take), last));
    }
}
