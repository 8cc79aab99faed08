package io.mailgateway.store;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority (raises the nice value) of the calling thread, so that the stores'
 * work yields to acceptance when both want the CPU (STORE_NICE).
 *
 * <p>Why: a message's 250 waits on acceptance alone (parsing, checks, the journal write); the
 * stores work from the broker's queue, which already holds the message durably. When the two
 * compete for the cores, clients wait for store work that could run a moment later. The stores
 * still get their share (at nice 10 about a tenth of a contended core each, all of an idle one);
 * under a load the cores cannot carry they fall behind until inflow control (STORE_BACKLOG_LIMIT)
 * paces acceptance, and then take full batches, which cost less per message. Measured over 120 s
 * at 100 sessions, in three pairs of runs: 17-37 % more mail accepted (at least 13-31 % more
 * stored by the end of the load), 4-22 % less CPU per message (docs/performance.md). Postfix
 * orders its work the same way: smtpd answers, the queue manager delivers when it can.
 *
 * <p>Linux keeps a nice value per thread, and any thread may raise its own without privileges
 * (setpriority(2) with PRIO_PROCESS and who = 0 acts on the calling thread only). Java's
 * Thread.setPriority does nothing on Linux unless the JVM runs as root with
 * -XX:ThreadPriorityPolicy=1, so this calls libc through JNA. Elsewhere it does nothing.
 *
 * <p>Call it only on a thread that does store work and nothing else: a new thread inherits the
 * nice value of the thread that starts it, and the broker starts its pool threads (which serve
 * acceptance too) from whichever thread first gives them work. So the storeBatch consumers keep
 * the gateway's priority and hand the store route to a writer thread that calls this.
 */
public final class BackgroundPriority {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundPriority.class);
    private static final int PRIO_PROCESS = 0;
    private static final int MAX_NICE = 19;
    private static final LibC LIBC = load();

    interface LibC extends Library {
        int getpriority(int which, int who) throws LastErrorException;

        int setpriority(int which, int who, int prio) throws LastErrorException;
    }

    private BackgroundPriority() {
    }

    private static LibC load() {
        return Libc.load(LibC.class, "setpriority(2) is not available: store threads keep the gateway's priority");
    }

    /**
     * Raises the calling thread's nice value by {@code by} (at most to 19); 0 leaves it.
     *
     * @return the thread's nice value now, or null if it could not be changed (not Linux, or the
     *         call failed: the thread then runs at the gateway's priority, as before)
     */
    public static Integer lowerCurrentThread(int by) {
        if (LIBC == null || by <= 0) {
            return null;
        }
        try {
            int now = LIBC.getpriority(PRIO_PROCESS, 0);
            int lowered = Math.min(MAX_NICE, now + by);
            LIBC.setpriority(PRIO_PROCESS, 0, lowered);
            return lowered;
        } catch (LastErrorException e) {
            LOG.warn("could not lower the priority of thread {} (errno {}): it keeps the gateway's",
                    Thread.currentThread().getName(), e.getErrorCode());
            return null;
        }
    }
}
