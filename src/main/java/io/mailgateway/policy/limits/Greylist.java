package io.mailgateway.policy.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greylisting (the Harris triplet, as in Postgrey): the first time a (client network, envelope
 * sender, recipient) triplet is seen, RCPT gets a temporary failure; a retry after
 * {@code delay} and before {@code expiry} passes, and the triplet then passes at once for
 * {@code passLifetime}, renewed on each use. Real MTAs retry (RFC 5321 4.5.4.1); most bulk
 * senders of spam do not. The client network is IPv4 /24 or IPv6 /64
 * ({@link ClientKey#greylistNetwork}), since large senders retry from a neighbour address.
 * For the null sender the sender part is empty, so the key is network + recipient.
 *
 * <p>State lives in memory and, if a {@link GreylistStore} is given, is written behind to it
 * by {@link #flush} (every second from the owner's scheduler), loaded again at start: a restart
 * does not greylist known senders again. A crash loses at most the last second of changes,
 * which only means a triplet is greylisted once more.
 *
 * <p>Bounded: at most {@code maxEntries} triplets. When a new triplet arrives at a full table,
 * expired ones are dropped first (at most once a second); if it is still full, the new triplet
 * passes unrecorded (fail open, logged): greylisting is a spam heuristic, and refusing real
 * mail indefinitely would be worse.
 */
public final class Greylist implements GreylistTriplets {

    private static final Logger LOG = LoggerFactory.getLogger(Greylist.class);

    /** One triplet's state; times in epoch milliseconds. */
    public record Entry(long firstSeen, long expires, boolean passed) {
    }

    private final long delay;
    private final long expiry;
    private final long passLifetime;
    private final int maxEntries;
    private final Clock clock;
    private final GreylistStore store;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastFullSweep = new AtomicLong();

    /**
     * @param store where the table is kept across restarts; null for memory only
     */
    public Greylist(Duration delay, Duration expiry, Duration passLifetime, int maxEntries, Clock clock, GreylistStore store) {
        this.delay = delay.toMillis();
        this.expiry = expiry.toMillis();
        this.passLifetime = passLifetime.toMillis();
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.store = store;
        if (store != null) {
            long now = clock.millis();
            store.load(now).forEach((k, e) -> {
                if (entries.size() < maxEntries) {
                    entries.put(k, e);
                }
            });
            LOG.info("greylist: {} triplets loaded from {}", entries.size(), store);
        }
    }

    /**
     * Checks a triplet at RCPT and records it.
     *
     * @param network from {@link ClientKey#greylistNetwork}
     * @param sender envelope sender, empty for {@code <>}
     * @return 0 to let the recipient pass, else the milliseconds until a retry will pass
     */
    @Override
    public long check(String network, String sender, String recipient) {
        long now = clock.millis();
        String key = key(network, sender, recipient);
        if (!entries.containsKey(key) && entries.size() >= maxEntries && !makeRoom(now)) {
            return 0;
        }
        long[] wait = new long[1];
        entries.compute(key, (k, e) -> {
            if (e == null || e.expires() <= now) {
                if (delay == 0) {
                    return new Entry(now, now + passLifetime, true);
                }
                wait[0] = delay;
                return new Entry(now, now + expiry, false);
            }
            if (e.passed() || now >= e.firstSeen() + delay) {
                return new Entry(e.firstSeen(), now + passLifetime, true);
            }
            wait[0] = e.firstSeen() + delay - now;
            return e;
        });
        dirty.add(key);
        return wait[0];
    }

    private boolean makeRoom(long now) {
        long last = lastFullSweep.get();
        if (now - last >= 1000 && lastFullSweep.compareAndSet(last, now)) {
            int removed = sweep(now);
            LOG.warn("greylist table full ({} triplets); dropped {} expired", maxEntries, removed);
        }
        if (entries.size() >= maxEntries) {
            LOG.debug("greylist table full: triplet passes unrecorded");
            return false;
        }
        return true;
    }

    /** The triplet as one string: the greylist file's key, and Redis's after its prefix. */
    public static String key(String network, String sender, String recipient) {
        // NUL cannot occur in a parsed address, so the parts cannot run into each other.
        return network + '\0' + sender.toLowerCase(Locale.ROOT) + '\0' + recipient.toLowerCase(Locale.ROOT);
    }

    /** Drops expired triplets from memory and the store (blocking I/O: not on an event loop). */
    @Override
    public int cleanup() {
        long now = clock.millis();
        int removed = sweep(now);
        if (store != null) {
            store.deleteExpired(now);
        }
        return removed;
    }

    private int sweep(long now) {
        int before = entries.size();
        entries.values().removeIf(e -> e.expires() <= now);
        return Math.max(0, before - entries.size());
    }

    /** Writes changed triplets to the store in one transaction; no-op without a store. */
    @Override
    public void flush() {
        if (store == null || dirty.isEmpty()) {
            return;
        }
        Map<String, Entry> batch = new java.util.HashMap<>();
        for (String key : dirty) {
            dirty.remove(key);
            batch.put(key, entries.get(key)); // null: gone (expired), delete the row
        }
        try {
            store.write(batch);
        } catch (RuntimeException e) {
            dirty.addAll(batch.keySet()); // try again at the next flush
            LOG.warn("greylist: could not save {} triplets: {}", batch.size(), e.toString());
        }
    }

    @Override
    public void close() {
        if (store != null) {
            flush();
            store.close();
        }
    }

    public int size() {
        return entries.size();
    }
}
