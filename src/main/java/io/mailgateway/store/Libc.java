package io.mailgateway.store;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C library through JNA, for the few Linux calls the JDK does not make (syncfs, setpriority).
 * Each user declares only the calls it needs, loads them once, and works without them where they
 * are missing: not Linux, or JNA could not load libc. Flag values that differ between
 * architectures (x86's O_DIRECTORY, 0200000, is O_DIRECT on arm64) are best not passed at all.
 */
public final class Libc {

    private static final Logger LOG = LoggerFactory.getLogger(Libc.class);

    private Libc() {
    }

    /**
     * libc bound to {@code calls}, or null when not on Linux or it cannot be loaded; then
     * {@code fallback} (what the caller does instead) is logged, with the reason.
     */
    public static <T extends Library> T load(Class<T> calls, String fallback) {
        if (!Platform.isLinux()) {
            return null;
        }
        try {
            return Native.load("c", calls);
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("{} ({})", fallback, e.toString());
            return null;
        }
    }
}
