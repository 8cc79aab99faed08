package io.mailgateway.delivery;

import io.netty.buffer.ByteBuf;

/**
 * Turns message bytes into the DATA stream (RFC 5321 4.1.1.4, 4.5.2): a line starting with a
 * dot gets one more dot, and every line ends in CRLF. A bare LF or a bare CR becomes CRLF, so
 * "LF.LF"-style endings cannot be smuggled past us to a server that reads them as the end of
 * data (SMTP smuggling, CVE-2023-51764 and kin). Nothing else is touched.
 *
 * <p>Stateful over chunk boundaries: feed the message in any pieces, then {@link #finish}.
 */
final class DataEncoder {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';

    private boolean lineStart = true;
    private boolean pendingCr;

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
            if (lineStart && b == DOT) {
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

    /** The most bytes {@link #encode} can produce for {@code len} input bytes. */
    static int maxEncodedLength(int len) {
        return 2 * len + 2;
    }
}
