package io.mailgateway.delivery;

import io.netty.buffer.ByteBuf;

/**
 * Turns message bytes into the DATA stream (RFC 5321 4.1.1.4, 4.5.2): a line starting with a
 * dot gets one more dot, and every line ends in CRLF. A bare LF or a bare CR becomes CRLF, so
 * "LF.LF"-style endings cannot be smuggled past us to a server that reads them as the end of
 * data (SMTP smuggling, CVE-2023-51764 and kin). Nothing else is touched.
 *
 * <p>For BDAT (RFC 3030) {@link #forChunks} does the line ends only: the chunk length frames the
 * content, so no dot is added and no end-of-data line written. The line ends are still made CRLF
 * because the content is declared BODY=8BITMIME (or 7BIT), whose lines end in CRLF whether
 * DATA or BDAT carries them; only BINARYMIME may differ, and our listener never accepts it.
 *
 * <p>Stateful over chunk boundaries: feed the message in any pieces, then {@link #finish}
 * ({@link #finishChunks} for BDAT).
 */
final class DataEncoder {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';

    private final boolean dotStuffing;
    private boolean lineStart = true;
    private boolean pendingCr;

    /** For DATA: dot-stuffing and CRLF line ends. */
    DataEncoder() {
        this(true);
    }

    private DataEncoder(boolean dotStuffing) {
        this.dotStuffing = dotStuffing;
    }

    /** For BDAT chunks: CRLF line ends only. */
    static DataEncoder forChunks() {
        return new DataEncoder(false);
    }

    /** Encodes {@code len} bytes of {@code src} into {@code out}, which grows as needed. */
    void encode(byte[] src, int off, int len, ByteBuf out) {
        for (int i = off; i < off + len; i++) {
            byte b = src[i];
            if (b == LF) {
                out.writeByte(CR).writeByte(LF); // CRLF, or a bare LF made CRLF
                pendingCr = false;
                lineStart = true;
                continue;
            }
            if (pendingCr) {
                out.writeByte(CR).writeByte(LF); // a bare CR made CRLF
                pendingCr = false;
                lineStart = true;
            }
            if (b == CR) {
                pendingCr = true;
                continue;
            }
            if (dotStuffing && lineStart && b == DOT) {
                out.writeByte(DOT);
            }
            out.writeByte(b);
            lineStart = false;
        }
    }

    /** Ends the last line if it was open, then writes the end-of-data line ".CRLF". */
    void finish(ByteBuf out) {
        if (pendingCr || !lineStart) {
            out.writeByte(CR).writeByte(LF);
        }
        pendingCr = false;
        lineStart = true;
        out.writeByte(DOT).writeByte(CR).writeByte(LF);
    }

    /** Ends BDAT content: a bare CR held back at the very end becomes CRLF; nothing else is added. */
    void finishChunks(ByteBuf out) {
        if (pendingCr) {
            out.writeByte(CR).writeByte(LF);
        }
        pendingCr = false;
        lineStart = true;
    }

    /** The most bytes {@link #encode} can produce for {@code len} input bytes. */
    static int maxEncodedLength(int len) {
        return 2 * len + 2;
    }
}
