package io.mailgateway.delivery;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.time.Duration;

/**
 * Sends a message's content as BDAT chunks (RFC 3030 CHUNKING) on a connection whose MAIL and
 * RCPTs were accepted, and returns the reply that decides the message: the one to the LAST chunk,
 * or the first refused chunk's. Each chunk is at most {@code chunkSize} octets of the message
 * (a little more only where a bare CR or LF became CRLF, see {@link DataEncoder#forChunks}); one
 * chunk is in memory at a time plus what the channel holds unsent.
 *
 * <p>RFC 3030 2: after a 4xx/5xx to a chunk no further chunk is sent. With PIPELINING (RFC 3030 4.2
 * allows BDAT in a pipeline) the next chunk goes out before the previous one's reply is read, so
 * the link keeps busy; without it each reply is awaited. Replies to chunks already sent after a
 * refused one are read and dropped, so the connection stays in step for RSET and reuse.
 */
final class BdatSender {

    private BdatSender() {
    }

    static ClientReply send(SmtpConnection conn, InputStream message, int chunkSize, boolean pipelining, Duration timeout)
            throws RelayIoException, IOException {
        PushbackInputStream in = new PushbackInputStream(message, 1);
        DataEncoder encoder = DataEncoder.forChunks();
        byte[] raw = new byte[chunkSize];
        int window = pipelining ? 2 : 1; // chunks sent and not yet answered, at most
        int unanswered = 0;
        boolean last = false;
        while (!last) {
            int n = in.readNBytes(raw, 0, chunkSize);
            int next = in.read();
            last = next < 0;
            if (!last) {
                in.unread(next);
            }
            ByteBuf chunk = conn.buffer(DataEncoder.maxEncodedLength(n));
            encoder.encode(raw, 0, n, chunk);
            if (last) {
                encoder.finishChunks(chunk);
            }
            conn.sendChunk(chunk, last, timeout);
            unanswered++;
            while (unanswered >= window || (last && unanswered > 0)) {
                ClientReply reply = conn.read(timeout, last && unanswered == 1
                        ? "waiting for the reply to the last BDAT chunk" : "sending BDAT chunks");
                unanswered--;
                if (!reply.isPositive()) {
                    drain(conn, unanswered, timeout);
                    return reply;
                }
                if (last && unanswered == 0) {
                    return reply;
                }
            }
        }
        throw new IllegalStateException("unreachable: the last chunk's reply ends the loop");
    }

    /** Reads the replies to chunks that were already in the pipeline behind a refused one. */
    private static void drain(SmtpConnection conn, int replies, Duration timeout) {
        try {
            for (int i = 0; i < replies; i++) {
                conn.read(timeout, "reading replies to BDAT chunks after a refused one");
            }
        } catch (RelayIoException e) {
            // the server closed (e.g. after 421): nothing left to keep in step
        }
    }
}
