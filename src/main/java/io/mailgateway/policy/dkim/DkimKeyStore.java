package io.mailgateway.policy.dkim;

import io.mailgateway.policy.dns.DnsAnswer;
import io.mailgateway.policy.dns.DnsResolver;
import io.mailgateway.policy.dns.DnsTemporaryException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Fetches DKIM keys ({@code selector._domainkey.domain} TXT, RFC 6376 3.6.2) through the gateway's
 * resolver and keeps parsed keys per (selector, domain): bounded (least recently used dropped
 * first), each entry for the shorter of {@code DKIM_CACHE_TTL} and the record's TTL. Permanent
 * answers ("no key", revoked, bad record) are cached too, for at most 5 minutes, so a flood of
 * forged signatures does not re-query and re-parse; a temporary DNS error is never cached.
 */
public final class DkimKeyStore {

    /** A key, or the permanent reason there is none. */
    record Lookup(DkimKey key, String error) {
    }

    private record Entry(Lookup lookup, long expiresAtNanos) {
    }

    /** Permanent "no key" answers are kept at most this long (5 minutes). */
    static final long MAX_NEGATIVE_TTL_NANOS = 300_000_000_000L;

    private final DnsResolver dns;
    private final int maxEntries;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> cache;

    /** @param maxEntries 0 turns the cache off */
    public DkimKeyStore(DnsResolver dns, int maxEntries, long ttlSeconds, LongSupplier nanoClock) {
        this.dns = dns;
        this.maxEntries = maxEntries;
        this.ttlNanos = ttlSeconds * 1_000_000_000L;
        this.clock = nanoClock;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > DkimKeyStore.this.maxEntries;
            }
        };
    }

    public DkimKeyStore(DnsResolver dns, int maxEntries, long ttlSeconds) {
        this(dns, maxEntries, ttlSeconds, System::nanoTime);
    }

    Lookup lookup(String selector, String domain) throws DnsTemporaryException {
        String name = selector + "._domainkey." + domain;
        String cacheKey = name.toLowerCase(java.util.Locale.ROOT);
        long now = clock.getAsLong();
        if (maxEntries > 0) {
            synchronized (cache) {
                Entry e = cache.get(cacheKey);
                if (e != null && now - e.expiresAtNanos < 0) {
                    return e.lookup;
                }
            }
        }
        DnsAnswer answer = dns.lookup(name, Type.TXT); // DnsTemporaryException: not cached
        long ttl = ttlNanos;
        Lookup result;
        if (answer.status() == DnsAnswer.Status.NXDOMAIN) {
            result = new Lookup(null, "no key for signature (NXDOMAIN " + name + ")");
        } else {
            result = new Lookup(null, "no key for signature (no TXT record at " + name + ")");
            for (Record r : answer.records()) {
                if (r instanceof TXTRecord txt) {
                    ttl = Math.min(ttl, r.getTTL() * 1_000_000_000L);
                    try {
                        result = new Lookup(DkimKey.parse(String.join("", txt.getStrings())), null);
                        break; // RFC 6376 3.6.2.2: the first usable record
                    } catch (DkimKey.KeyException e) {
                        result = new Lookup(null, e.getMessage());
                    }
                }
            }
        }
        if (result.key() == null) {
            ttl = Math.min(ttl, MAX_NEGATIVE_TTL_NANOS); // a key published later is seen soon
        }
        if (maxEntries > 0 && ttl > 0) {
            synchronized (cache) {
                cache.put(cacheKey, new Entry(result, now + ttl));
            }
        }
        return result;
    }

    public int size() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
