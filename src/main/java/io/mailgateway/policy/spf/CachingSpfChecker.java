package io.mailgateway.policy.spf;

import io.mailgateway.message.Mailbox;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * An {@link SpfChecker} that remembers outcomes of another for a short time (SPF_CACHE_TTL), keyed by
 * (client address, sender domain, HELO name), in an LRU map of at most SPF_CACHE_MAX_ENTRIES.
 * The outcome also rests on DNS answers with their own TTLs, hence a short TTL; temperror is never
 * cached. When an outcome depended on the local part (%{s}/%{l} macros, e.g. per-user
 * "exists:%{l}._spf.%{d}") the domain's entry says so and the full sender becomes the key.
 * Thread-safe; a miss runs the delegate outside the lock (two concurrent misses may both run it).
 */
public final class CachingSpfChecker implements SpfChecker {

    private final SpfChecker delegate;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> cache;

    /** outcome is null for the marker "ask again with the local part in the key". */
    private record Entry(SpfOutcome outcome, long expiresAtNanos) {
    }

    public CachingSpfChecker(SpfChecker delegate, int maxEntries, Duration ttl) {
        this(delegate, maxEntries, ttl, System::nanoTime);
    }

    CachingSpfChecker(SpfChecker delegate, int maxEntries, Duration ttl, LongSupplier nanoClock) {
        this.delegate = delegate;
        this.maxEntries = maxEntries;
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > CachingSpfChecker.this.maxEntries;
            }
        };
    }

    @Override
    public SpfResult check(String ip, Mailbox sender, String helo) {
        return evaluate(ip, sender, helo).result();
    }

    @Override
    public SpfOutcome evaluate(String ip, Mailbox sender, String helo) {
        // Mailbox: the domain is lower case already, the local part kept as the client wrote it
        String base = (ip == null ? "" : ip.strip().toLowerCase(Locale.ROOT)) + "|" + sender.domain() + "|"
                + (helo == null ? "" : helo.strip().toLowerCase(Locale.ROOT));
        String withLocal = base + "|" + sender.localPart();
        long now = nanoClock.getAsLong();
        Entry e = get(base, now);
        if (e != null && e.outcome() != null) {
            return e.outcome();
        }
        if (e != null) { // this domain's outcomes depend on the local part
            Entry full = get(withLocal, now);
            if (full != null && full.outcome() != null) {
                return full.outcome();
            }
        }
        SpfOutcome outcome;
        boolean usedLocalPart;
        if (delegate instanceof SpfEvaluator evaluator) {
            SpfEvaluator.Tracked t = evaluator.evaluateTracked(ip, sender, helo);
            outcome = t.outcome();
            usedLocalPart = t.usedLocalPart();
        } else {
            outcome = delegate.evaluate(ip, sender, helo);
            usedLocalPart = true; // unknown: assume the worst
        }
        if (outcome.result() == SpfResult.TEMPERROR) {
            return outcome; // a temporary DNS failure must be retried, not remembered
        }
        long expires = nanoClock.getAsLong() + ttlNanos;
        synchronized (cache) {
            if (usedLocalPart) {
                cache.put(base, new Entry(null, expires));
                cache.put(withLocal, new Entry(outcome, expires));
            } else {
                cache.put(base, new Entry(outcome, expires));
            }
        }
        return outcome;
    }

    private Entry get(String key, long now) {
        synchronized (cache) {
            Entry e = cache.get(key);
            if (e == null) {
                return null;
            }
            if (e.expiresAtNanos() - now > 0) {
                return e;
            }
            cache.remove(key);
            return null;
        }
    }

    /** Entries held now (expired ones included until next touched). */
    public int size() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
