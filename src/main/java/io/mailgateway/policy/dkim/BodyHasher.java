package io.mailgateway.policy.dkim;

import java.security.MessageDigest;

/**
 * Streams a message body through one canonicalization (RFC 6376 3.4.3, 3.4.4) into a digest,
 * stopping after {@code limit} canonical octets (the l= tag, 3.5). Constant memory: trailing empty
 * lines are counted, not buffered, and written only if more content follows.
 *
 * <p>Lines end at LF (a CR right before it belongs to the line end), so bare-LF input is
 * canonicalized as if it had CRLF line ends.
 */
final class BodyHasher {

    private static final byte[] CRLF = {'\r', '\n'};

    private final boolean relaxed;
    private final MessageDigest digest;
    private final long limit;
    private final byte[] out = new byte[8192];
    private int outLen;
    private long written;          // canonical octets produced (hashed or beyond the limit)
    private long pendingEmptyLines;
    private boolean lineHasContent; // the current line has non-WSP (relaxed) or any (simple) content
    private boolean pendingWsp;     // relaxed: WSP seen since the last content octet
    private boolean pendingCr;      // a CR not yet known to start a line end

    /** @param limit most canonical octets to hash, or -1 for all (no l=) */
    BodyHasher(Canonicalization c, MessageDigest digest, long limit) {
        this.relaxed = c == Canonicalization.RELAXED;
        this.digest = digest;
        this.limit = limit;
    }

    void update(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte x = b[i];
            if (pendingCr) {
                pendingCr = false;
                if (x == '\n') {
                    endLine();
                    continue;
                }
                content((byte) '\r');
            }
            if (x == '\r') {
                pendingCr = true;
            } else if (x == '\n') {
                endLine();
            } else {
                content(x);
            }
        }
    }

    private void content(byte x) {
        if (relaxed && (x == ' ' || x == '\t')) {
            pendingWsp = true;
            return;
        }
        if (!lineHasContent) {
            flushEmptyLines();
            lineHasContent = true;
        }
        if (pendingWsp) {
            pendingWsp = false;
            emit((byte) ' ');
        }
        emit(x);
    }

    private void endLine() {
        pendingWsp = false; // relaxed: WSP at the end of a line is ignored
        if (lineHasContent) {
            emit(CRLF[0]);
            emit(CRLF[1]);
            lineHasContent = false;
        } else {
            pendingEmptyLines++;
        }
    }

    private void flushEmptyLines() {
        for (; pendingEmptyLines > 0; pendingEmptyLines--) {
            emit(CRLF[0]);
            emit(CRLF[1]);
        }
    }

    private void emit(byte x) {
        if (limit < 0 || written < limit) {
            out[outLen++] = x;
            if (outLen == out.length) {
                digest.update(out, 0, outLen);
                outLen = 0;
            }
        }
        written++;
    }

    /** Finishes the canonical body; returns its hash. */
    byte[] finish() {
        if (pendingCr) {
            pendingCr = false;
            content((byte) '\r');
        }
        if (lineHasContent) { // last line without a line end: CRLF added
            emit(CRLF[0]);
            emit(CRLF[1]);
        } else if (!relaxed && written == 0) { // simple: an empty body is one CRLF
            emit(CRLF[0]);
            emit(CRLF[1]);
        }
        digest.update(out, 0, outLen);
        outLen = 0;
        return digest.digest();
    }

    /** Length of the whole canonical body (valid after {@link #finish()}). */
    long canonicalLength() {
        return written;
    }
}
