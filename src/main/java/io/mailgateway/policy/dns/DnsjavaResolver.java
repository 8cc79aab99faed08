package io.mailgateway.policy.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import io.mailgateway.config.GatewayConfig;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * {@link DnsResolver} on dnsjava: asks the configured servers (or the system's), resending within
 * the timeout ({@link QueryResender}), and caches answers for their TTL (negative answers for the
 * SOA's negative TTL, RFC 2308), capped at a maximum TTL, in an LRU map of bounded size. Temporary
 * errors are remembered only for DNS_CACHE_FAILURE_TTL.
 */
public final class DnsjavaResolver implements DnsResolver {

    /** How much longer than DNS_TIMEOUT a lookup outside a check is waited for, so that its own timeout decides. */
    private static final long OUTSIDE_CHECK_SLACK_NANOS = 200_000_000L;

    private final QueryResender resolver;
    private final int maxEntries;
    private final long maxTtlSeconds;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> cache;
    /** Lookups on the wire now: concurrent askers of the same name and type wait for one query. */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.CompletableFuture<DnsAnswer>> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long failureTtlSeconds;
    private final long timeoutNanos;
    /** How long a policy check waits for an answer (POLICY_DNS_TIMEOUT); the query itself may go on. */
    private volatile long waitNanos;
    /** Queries in a row that got no answer at all (timeouts, network errors), and when one last got any. */
    private final java.util.concurrent.atomic.AtomicInteger silentSince = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long lastAnswerNanos;
    private volatile long downUntilNanos;
    /** The probe of the servers now on the wire (true: they answered), or null. */
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Boolean>> probe =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** An answer, or (failure != null) a temporary error remembered briefly (RFC 2308 section 7.1). */
    private record Entry(DnsAnswer answer, String failure, long expiresAtNanos) {
    }

    public DnsjavaResolver(List<InetSocketAddress> servers, Duration timeout, int maxEntries, long maxTtlSeconds) {
        this(servers, timeout, maxEntries, maxTtlSeconds, System::nanoTime);
    }

    DnsjavaResolver(List<InetSocketAddress> servers, Duration timeout, int maxEntries, long maxTtlSeconds,
            LongSupplier nanoClock) {
        // No servers configured: the system's (resolv.conf), asked the same way.
        this.resolver = new QueryResender(servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers, timeout);
        this.timeoutNanos = timeout.toNanos();
        // A check waits at most as long as the lookup lasts unless told less (POLICY_DNS_TIMEOUT).
        this.waitNanos = timeoutNanos;
        this.lastAnswerNanos = nanoClock.getAsLong();
        this.maxEntries = maxEntries;
        this.maxTtlSeconds = maxTtlSeconds;
        this.nanoClock = nanoClock;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > DnsjavaResolver.this.maxEntries;
            }
        };
    }

    /** From DNS_SERVERS, DNS_TIMEOUT, DNS_CACHE_MAX_ENTRIES, DNS_CACHE_MAX_TTL and DNS_CACHE_FAILURE_TTL. */
    public static DnsjavaResolver fromConfig(GatewayConfig config) {
        DnsjavaResolver r = new DnsjavaResolver(parseServers(config.get("DNS_SERVERS")),
                Duration.ofMillis(config.getLong("DNS_TIMEOUT")),
                config.getInt("DNS_CACHE_MAX_ENTRIES"), config.getLong("DNS_CACHE_MAX_TTL"));
        r.failureTtlSeconds(config.getLong("DNS_CACHE_FAILURE_TTL"));
        // At most DNS_TIMEOUT: waiting longer than the query itself lasts would change nothing.
        long wait = Math.min(config.getLong("POLICY_DNS_TIMEOUT"), config.getLong("DNS_TIMEOUT"));
        r.policyWait(Duration.ofMillis(wait));
        return r;
    }

    /**
     * Remember a temporary error (timeout, SERVFAIL) of a name for this many seconds (0: never),
     * so that a flood of messages from one domain whose DNS is down does not make each of them
     * wait for its own timeout. Kept short: the error is temporary by definition.
     */
    public DnsjavaResolver failureTtlSeconds(long seconds) {
        this.failureTtlSeconds = seconds;
        return this;
    }

    /**
     * The longest a lookup inside a policy check ({@link DnsBudget}) waits for its answer. Shorter
     * than the DNS timeout, so one slow or dead name costs the messages that need it this much, and
     * the query still completes (and is cached) in the background for the messages after them.
     * Lookups outside a check (delivery's next hops) wait the whole DNS timeout.
     */
    public DnsjavaResolver policyWait(Duration wait) {
        this.waitNanos = wait.toNanos();
        return this;
    }

    /** The longest a lookup waits (POLICY_DNS_TIMEOUT), also the DNS time of one message's checks in all ({@link DnsBudget}). */
    public Duration policyWait() {
        return Duration.ofNanos(waitNanos);
    }

    /** "host:port,host,[v6]:port" → addresses (port 53 when absent). */
    public static List<InetSocketAddress> parseServers(String value) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String part : value.split("[,\\s]+")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            String host = p;
            int port = 53;
            if (p.startsWith("[")) {
                int close = p.indexOf(']');
                host = p.substring(1, close);
                if (p.length() > close + 1 && p.charAt(close + 1) == ':') {
                    port = Integer.parseInt(p.substring(close + 2));
                }
            } else if (p.indexOf(':') >= 0 && p.indexOf(':') == p.lastIndexOf(':')) {
                host = p.substring(0, p.indexOf(':'));
                port = Integer.parseInt(p.substring(p.indexOf(':') + 1));
            }
            out.add(new InetSocketAddress(host, port));
        }
        return out;
    }

    /** Checks a DNS_SERVERS value; null when good. */
    public static String checkServers(String value) {
        try {
            for (InetSocketAddress a : parseServers(value)) {
                if (a.getPort() < 1 || a.getPort() > 65535) {
                    return "port must be between 1 and 65535 in '" + value + "'";
                }
            }
            return null;
        } catch (RuntimeException e) {
            return "must be a comma-separated list of host:port, got '" + value + "'";
        }
    }

    @Override
    public DnsAnswer lookup(String name, int type) throws DnsTemporaryException {
        Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            // not a valid DNS name (e.g. a label over 63 octets): nothing can exist there
            return DnsAnswer.nxdomain();
        }
        String key = qname.toString().toLowerCase(Locale.ROOT) + "/" + type;
        long now = nanoClock.getAsLong();
        synchronized (cache) {
            Entry e = cache.get(key);
            if (e != null) {
                if (e.expiresAtNanos - now > 0) {
                    if (e.failure != null) {
                        throw new DnsTemporaryException(e.failure + " (remembered)");
                    }
                    return e.answer;
                }
                cache.remove(key);
            }
        }
        if (serversDown(now, qname, type)) {
            throw new DnsTemporaryException("DNS " + Type.string(type) + " " + qname
                    + ": the DNS servers answered nothing for a while, not even . SOA (remembered)");
        }
        java.util.concurrent.CompletableFuture<DnsAnswer> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<DnsAnswer> other = inFlight.putIfAbsent(key, mine);
        if (other != null) {
            return await(other, qname, type);
        }
        // The query runs on dnsjava's own I/O thread, up to DNS_TIMEOUT; an asker inside a check waits
        // at most the policy wait. An answer that arrives later is still cached for the next message.
        try {
            resolver.send(Message.newQuery(Record.newRecord(qname, type, DClass.IN)))
                    .whenComplete((response, error) -> settle(mine, qname, type, key, response, error));
        } catch (RuntimeException e) {
            settle(mine, qname, type, key, null, e);
        }
        return await(mine, qname, type);
    }

    private void settle(java.util.concurrent.CompletableFuture<DnsAnswer> lookup, Name qname, int type, String key,
            Message response, Throwable error) {
        long now = nanoClock.getAsLong();
        // Out of the in-flight map before anyone can see it completed: an asker woken by the
        // completion must not find this (answered) lookup there and skip its own query.
        inFlight.remove(key, lookup);
        try {
            if (error != null) {
                throw new DnsTemporaryException("DNS " + Type.string(type) + " " + qname + ": " + unwrap(error), unwrap(error));
            }
            answered(now); // any response, SERVFAIL too: the servers are there
            lookup.complete(answer(response, qname, type, key, now));
        } catch (DnsTemporaryException e) {
            if (error != null) {
                silentSince.incrementAndGet();
            }
            remember(key, e, now);
            lookup.completeExceptionally(e);
        } catch (RuntimeException e) {
            lookup.completeExceptionally(e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private void remember(String key, DnsTemporaryException e, long now) {
        long ttl = failureTtlSeconds;
        if (ttl > 0 && maxEntries > 0) {
            synchronized (cache) {
                cache.put(key, new Entry(null, e.getMessage(), now + ttl * 1_000_000_000L));
            }
        }
    }

    private void answered(long now) {
        lastAnswerNanos = now;
        silentSince.set(0);
    }

    /**
     * The servers are down: a probe they must answer went unanswered. Until then, three queries in
     * a row unanswered and none answered for twice DNS_TIMEOUT only make this lookup ask the servers
     * ". SOA" first: the names may be a sender's, whose own nameservers never answer (HELO, MAIL
     * FROM, SPF include, DKIM d= are the sender's choice), which says nothing about ours. Down: for
     * DNS_CACHE_FAILURE_TTL, lookups that the cache cannot answer fail at once instead of each
     * waiting for its own timeout; the next lookup after that asks again.
     */
    private boolean serversDown(long now, Name qname, int type) throws DnsTemporaryException {
        long ttl = failureTtlSeconds;
        long until = downUntilNanos;
        if (until != 0) {
            if (until - now > 0) {
                return true;
            }
            downUntilNanos = 0; // the period is over: let this lookup ask the servers
            silentSince.set(0);
            return false;
        }
        if (ttl <= 0 || silentSince.get() < 3 || now - lastAnswerNanos < 2 * timeoutNanos) {
            return false;
        }
        return !awaitProbe(qname, type);
    }

    /** Asks the servers ". SOA" (one probe at a time, shared); true when they answered. */
    private boolean awaitProbe(Name qname, int type) throws DnsTemporaryException {
        java.util.concurrent.CompletableFuture<Boolean> mine = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Boolean> running = probe.compareAndExchange(null, mine);
        if (running == null) {
            running = mine;
            // A question every working resolver answers at once: the root zone's SOA is in its cache.
            resolver.send(Message.newQuery(Record.newRecord(Name.root, Type.SOA, DClass.IN))).whenComplete((response, error) -> {
                long now = nanoClock.getAsLong();
                if (error == null) {
                    answered(now);
                } else {
                    downUntilNanos = now + failureTtlSeconds * 1_000_000_000L;
                }
                probe.compareAndSet(mine, null);
                mine.complete(error == null);
            });
        }
        return await(running, qname, type);
    }

    /**
     * Waits for a lookup: inside a policy check ({@link DnsBudget}) at most the policy wait and what
     * is left of the message's DNS time, outside (delivery) as long as the lookup lasts (DNS_TIMEOUT).
     */
    private <T> T await(java.util.concurrent.CompletableFuture<T> lookup, Name qname, int type)
            throws DnsTemporaryException {
        boolean inCheck = DnsBudget.active();
        long wait = inCheck ? Math.min(waitNanos, DnsBudget.remainingNanos()) : timeoutNanos + OUTSIDE_CHECK_SLACK_NANOS;
        try {
            if (wait <= 0 && !lookup.isDone()) {
                throw new DnsTemporaryException("DNS " + Type.string(type) + " " + qname
                        + ": this message's time for DNS is used up (POLICY_DNS_TIMEOUT)");
            }
            return lookup.get(Math.max(wait, 0), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new DnsTemporaryException("DNS " + Type.string(type) + " " + qname + ": no answer within "
                    + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(wait) + " ms"
                    + (inCheck ? " (POLICY_DNS_TIMEOUT)" : " (DNS_TIMEOUT)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsTemporaryException("DNS " + Type.string(type) + " " + qname + ": interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof DnsTemporaryException t) {
                throw new DnsTemporaryException(t.getMessage());
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private DnsAnswer answer(Message response, Name qname, int type, String key, long now) throws DnsTemporaryException {
        int rcode = response.getRcode();
        DnsAnswer answer;
        long ttl;
        if (rcode == Rcode.NXDOMAIN) {
            answer = DnsAnswer.nxdomain();
            ttl = negativeTtl(response);
        } else if (rcode != Rcode.NOERROR) {
            throw new DnsTemporaryException("DNS " + Type.string(type) + " " + qname + ": " + Rcode.string(rcode));
        } else if (response.getHeader().getFlag(Flags.TC)) {
            throw new DnsTemporaryException("DNS " + Type.string(type) + " " + qname + ": truncated answer");
        } else {
            List<Record> records = new ArrayList<>();
            long minTtl = Long.MAX_VALUE;
            for (Record r : response.getSection(Section.ANSWER)) {
                // CNAME chains: the records of the asked type at the end of the chain
                if (r.getType() == type) {
                    records.add(r);
                }
                minTtl = Math.min(minTtl, r.getTTL());
            }
            if (records.isEmpty()) {
                answer = DnsAnswer.nodata();
                ttl = negativeTtl(response);
            } else {
                answer = new DnsAnswer(DnsAnswer.Status.OK, records);
                ttl = minTtl;
            }
        }
        ttl = Math.min(ttl, maxTtlSeconds);
        if (ttl > 0 && maxEntries > 0) {
            synchronized (cache) {
                cache.put(key, new Entry(answer, null, now + ttl * 1_000_000_000L));
            }
        }
        return answer;
    }

    /** RFC 2308: the lesser of the SOA's TTL and its MINIMUM field; 0 (no caching) without a SOA. */
    private static long negativeTtl(Message response) {
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) {
                return Math.min(soa.getTTL(), soa.getMinimum());
            }
        }
        return 0;
    }

    /** Queries in a row that got no answer at all (for tests). */
    int silentQueries() {
        return silentSince.get();
    }

    /** Entries currently cached (expired ones included until next touched). */
    public int cacheSize() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
