package io.mailgateway.policy.limits;

/**
 * The greylisting table of (client network, sender, recipient) triplets, wherever it lives:
 * {@link Greylist} in this process (and its file), or shared by several nodes in Redis
 * (CACHE_BACKEND=redis). The same answers either way (docs/policy.md).
 */
public interface GreylistTriplets {

    /**
     * Checks a triplet at RCPT and records it.
     *
     * @param network from {@link ClientKey#greylistNetwork}
     * @param sender envelope sender, empty for {@code <>}
     * @return 0 to let the recipient pass, else the milliseconds until a retry will pass
     */
    long check(String network, String sender, String recipient);

    /** Drops expired triplets held here (blocking I/O: not on an event loop). */
    default int cleanup() {
        return 0;
    }

    /** Writes changed triplets behind, where the table has a file. */
    default void flush() {
    }

    default void close() {
    }
}
