package io.mailgateway.message;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Queue IDs: 17 characters of Crockford base32, ordered by time: 10 digits of epoch
 * milliseconds, then 7 digits holding a per-process counter (16 bits) and a per-process random
 * node value (16 bits) so that cluster nodes never collide. Safe in file names and logs.
 */
public final class QueueIds {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static volatile long node = new SecureRandom().nextInt(1 << 16);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private QueueIds() {
    }

    /** At startup, before any ID is made: NODE_ID (1 to 65535) instead of the random node value. */
    public static void useNode(int nodeId) {
        if (nodeId < 1 || nodeId > 0xFFFF) {
            throw new IllegalArgumentException("node " + nodeId + " is not between 1 and 65535");
        }
        node = nodeId;
    }

    /** The node value in {@code queueId} (for the queue CLI and tests). */
    public static int nodeOf(String queueId) {
        long value = 0;
        for (int i = 10; i < 17; i++) {
            value = (value << 5) | new String(ALPHABET).indexOf(queueId.charAt(i));
        }
        return (int) (value & 0xFFFF);
    }

    public static String next() {
        char[] out = new char[17];
        encode(System.currentTimeMillis(), out, 0, 10);
        encode(((long) (COUNTER.getAndIncrement() & 0xFFFF) << 16) | node, out, 10, 7);
        return new String(out);
    }

    private static void encode(long value, char[] out, int offset, int digits) {
        for (int i = offset + digits - 1; i >= offset; i--) {
            out[i] = ALPHABET[(int) (value & 31)];
            value >>>= 5;
        }
    }
}
