package io.mailgateway.delivery;

import io.mailgateway.config.GatewayConfig;
import io.mailgateway.policy.dns.DnsAnswer;
import io.mailgateway.policy.dns.DnsResolver;
import io.mailgateway.policy.dns.DnsTemporaryException;
import io.mailgateway.message.Disposition;
import io.mailgateway.message.Mailbox;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Next-hop routing: which recipients are relayed at all, and for those, the hosts to try,
 * recipients grouped so one transaction carries all of a message's recipients for one hop.
 *
 * <p>Hosts come from TRANSPORT_MAP / RELAY_HOST ({@link TransportMap}) and DNS: MX records in
 * preference order, equal preferences shuffled (RFC 5321 5.1); no MX means the domain's own
 * A/AAAA (implicit MX); a null MX ({@code 0 .}, RFC 7505) or NXDOMAIN is permanent, a DNS
 * timeout or SERVFAIL temporary. Stateless apart from the resolver's cache: thread-safe.
 */
public final class NextHops implements Router {

    /** One next hop: its name (transport and destination) and its addresses, in the order to try. */
    public record NextHop(String name, List<InetSocketAddress> hosts) {
        public NextHop {
            hosts = List.copyOf(hosts);
        }
    }

    /** Recipients that go to one next hop in one transaction. */
    public record Route(NextHop hop, List<Mailbox> recipients) {
        public Route {
            recipients = List.copyOf(recipients);
        }
    }

    /** The routes, and the recipients that cannot be routed with the reply that says why. */
    public record Routing(List<Route> routes, Map<Mailbox, RemoteReply> failures) {
        public Routing {
            routes = List.copyOf(routes);
            failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
        }
    }

    private final TransportMap map;
    private final Set<String> relayDomains;
    private final Set<String> localDomains;
    private final DnsResolver dns;
    private final Random random;
    private final Predicate<InetSocketAddress> ours;

    public NextHops(TransportMap map, List<String> relayDomains, List<String> localDomains, DnsResolver dns, Random random) {
        this(map, relayDomains, localDomains, dns, random, address -> false);
    }

    /** {@code ours}: whether an address is one of this gateway's own listeners (never a next hop). */
    public NextHops(TransportMap map, List<String> relayDomains, List<String> localDomains, DnsResolver dns, Random random,
                    Predicate<InetSocketAddress> ours) {
        this.map = map;
        this.relayDomains = lower(relayDomains);
        this.localDomains = lower(localDomains);
        this.dns = dns;
        this.random = random;
        this.ours = ours;
    }

    public static NextHops fromConfig(GatewayConfig config, DnsResolver dns, Predicate<InetSocketAddress> ours) {
        List<String> relay = Arrays.stream(config.get("RELAY_DOMAINS").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        return new NextHops(TransportMap.parse(config.get("TRANSPORT_MAP"), config.get("RELAY_HOST")),
                relay, config.localDomains(), dns, null, ours);
    }

    /**
     * Where mail for this recipient goes: RELAY when the transport map names its domain (a local
     * domain too: the map overrides), LOCAL for a local domain, RELAY for a domain in
     * RELAY_DOMAINS, else refused. The {@code *} entry relays nothing by itself: no open relay.
     */
    @Override
    public Optional<Disposition> dispositionOf(Mailbox recipient) {
        String domain = recipient.domain();
        if (map.explicit(domain).isPresent()) {
            return Optional.of(Disposition.RELAY);
        }
        if (localDomains.contains(domain)) {
            return Optional.of(Disposition.LOCAL);
        }
        return relayDomains.contains(domain) ? Optional.of(Disposition.RELAY) : Optional.empty();
    }

    /** {@link #routing} as the delivery route wants it: one group per next hop, one per unroutable recipient. */
    @Override
    public List<HopGroup> route(List<Mailbox> recipients) {
        Routing routing = routing(recipients);
        List<HopGroup> groups = new ArrayList<>();
        for (Route r : routing.routes()) {
            groups.add(new HopGroup(r.hop().name(), r.hop().hosts(), r.recipients(), null));
        }
        routing.failures().forEach((rcpt, reply) -> groups.add(new HopGroup("(none)", List.of(), List.of(rcpt), reply)));
        return groups;
    }

    /** Groups recipients per next hop, in the order first seen; unroutable ones get a reply each. */
    public Routing routing(List<Mailbox> recipients) {
        Map<String, NextHop> hops = new LinkedHashMap<>();
        Map<String, List<Mailbox>> groups = new LinkedHashMap<>();
        Map<Mailbox, RemoteReply> failures = new LinkedHashMap<>();
        Map<String, Object> byDomain = new LinkedHashMap<>(); // domain → NextHop or RemoteReply
        for (Mailbox rcpt : recipients) {
            String domain = rcpt.domain();
            Object outcome = byDomain.computeIfAbsent(domain, d -> {
                try {
                    return resolve(d);
                } catch (RoutingException e) {
                    return e.reply;
                }
            });
            if (outcome instanceof RemoteReply reply) {
                failures.put(rcpt, reply);
            } else {
                NextHop hop = (NextHop) outcome;
                hops.putIfAbsent(hop.name(), hop);
                groups.computeIfAbsent(hop.name(), k -> new ArrayList<>()).add(rcpt);
            }
        }
        List<Route> routes = new ArrayList<>();
        groups.forEach((name, rcpts) -> routes.add(new Route(hops.get(name), rcpts)));
        return new Routing(routes, failures);
    }

    /** The next hop of one domain. */
    public NextHop resolve(String domain) throws RoutingException {
        TransportMap.Transport t = map.forDomain(domain);
        String name = t.describe(domain);
        List<InetSocketAddress> hosts = switch (t.kind()) {
            case MX -> mx(domain, t.port());
            case SMTP_MX -> mx(t.host(), t.port());
            case SMTP_DIRECT -> notOurs(domain, addresses(t.host(), t.port(), true));
        };
        return new NextHop(name, hosts);
    }

    /** {@code hosts} less our own listeners; none left is a loop (554 5.4.6, as Postfix says it). */
    private List<InetSocketAddress> notOurs(String domain, List<InetSocketAddress> hosts) throws RoutingException {
        List<InetSocketAddress> others = hosts.stream().filter(h -> !ours.test(h)).toList();
        if (others.isEmpty()) {
            throw loopsBack(domain);
        }
        return others;
    }

    private static RoutingException loopsBack(String domain) {
        return new RoutingException(new RemoteReply(554, "5.4.6 mail for " + domain + " loops back to myself"));
    }

    private List<InetSocketAddress> mx(String domain, int port) throws RoutingException {
        DnsAnswer answer = lookup(domain, Type.MX);
        if (answer.status() == DnsAnswer.Status.NXDOMAIN) {
            throw new RoutingException(new RemoteReply(550, "5.1.2 domain " + domain + " does not exist (NXDOMAIN)"));
        }
        List<MXRecord> mxs = answer.records().stream().filter(MXRecord.class::isInstance).map(MXRecord.class::cast).toList();
        if (mxs.isEmpty()) {
            return notOurs(domain, addresses(domain, port, true)); // RFC 5321 5.1: implicit MX
        }
        if (mxs.stream().anyMatch(mx -> mx.getTarget().equals(Name.root))) {
            // RFC 7505 3: a null MX says the domain accepts no mail.
            throw new RoutingException(new RemoteReply(556, "5.1.10 domain " + domain + " accepts no mail (null MX)"));
        }
        List<MXRecord> ordered = new ArrayList<>(mxs);
        Collections.shuffle(ordered, random == null ? ThreadLocalRandom.current() : random);
        ordered.sort((a, b) -> Integer.compare(a.getPriority(), b.getPriority())); // stable: ties stay shuffled
        // RFC 5321 5.1: if we are one of the mail exchangers, only the more preferred ones are
        // next hops (the same preference or a larger one would be a loop, or a backup relaying
        // to a backup); if there are none, the mail loops back to us.
        record Exchanger(int preference, List<InetSocketAddress> hosts, RoutingException failure) {
        }
        List<Exchanger> exchangers = new ArrayList<>(); // in order
        int ourPreference = Integer.MAX_VALUE;
        for (MXRecord mx : ordered) {
            try {
                List<InetSocketAddress> hosts = addresses(mx.getTarget().toString(true), port, false);
                exchangers.add(new Exchanger(mx.getPriority(), hosts, null));
                if (hosts.stream().anyMatch(ours)) {
                    ourPreference = Math.min(ourPreference, mx.getPriority());
                }
            } catch (RoutingException e) {
                exchangers.add(new Exchanger(mx.getPriority(), List.of(), e));
            }
        }
        List<InetSocketAddress> out = new ArrayList<>();
        RoutingException temporary = null;
        for (Exchanger x : exchangers) {
            if (x.preference() >= ourPreference) {
                break; // sorted: the rest are not more preferred than us either
            }
            out.addAll(x.hosts());
            if (x.failure() != null && x.failure().reply.isTransient()) {
                temporary = x.failure();
            }
        }
        if (out.isEmpty()) {
            if (temporary != null) {
                throw temporary;
            }
            if (ourPreference != Integer.MAX_VALUE) {
                throw loopsBack(domain);
            }
            throw new RoutingException(new RemoteReply(550, "5.4.4 no address for any mail exchanger of " + domain));
        }
        return out;
    }

    /** A then AAAA of host (or the address itself if host is a literal). */
    private List<InetSocketAddress> addresses(String host, int port, boolean domainItself) throws RoutingException {
        InetAddress literal = literal(host);
        if (literal != null) {
            return List.of(new InetSocketAddress(literal, port));
        }
        // Each family on its own: a server (or a middlebox) that answers A but times out on AAAA
        // must not defer mail to a host reachable over IPv4 until it expires. A temporary error
        // counts only when no address came back at all.
        RoutingException temporary = null;
        List<Record> records = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            DnsAnswer answer;
            try {
                answer = lookup(host, type);
            } catch (RoutingException e) {
                temporary = e;
                continue;
            }
            if (answer.status() == DnsAnswer.Status.NXDOMAIN) {
                throw new RoutingException(new RemoteReply(550, "5.1.2 host " + host + " does not exist (NXDOMAIN)"));
            }
            records.addAll(answer.records());
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (Record r : records) {
            byte[] bytes = r instanceof ARecord ar ? ar.getAddress().getAddress()
                    : r instanceof AAAARecord ar6 ? ar6.getAddress().getAddress() : null;
            if (bytes != null) {
                try {
                    // Keep the name beside the address: TLS SNI and logs use it.
                    out.add(new InetSocketAddress(InetAddress.getByAddress(host, bytes), port));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e); // cannot happen for 4 or 16 bytes
                }
            }
        }
        if (out.isEmpty() && temporary != null) {
            throw temporary;
        }
        if (out.isEmpty()) {
            throw new RoutingException(new RemoteReply(550, (domainItself ? "5.1.2" : "5.4.4")
                    + " no MX and no address for " + host));
        }
        return out;
    }

    private DnsAnswer lookup(String name, int type) throws RoutingException {
        try {
            return dns.lookup(name, type);
        } catch (DnsTemporaryException e) {
            throw new RoutingException(new RemoteReply(451, "4.4.3 DNS lookup of " + name + " "
                    + Type.string(type) + " failed: " + e.getMessage()));
        }
    }

    private static InetAddress literal(String host) {
        String h = host.regionMatches(true, 0, "ipv6:", 0, 5) ? host.substring(5) : host;
        if (h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.contains(":")) {
            try {
                return InetAddress.getByName(h); // a literal: no lookup happens
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    private static Set<String> lower(List<String> domains) {
        return domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** A recipient domain that cannot be routed now (4xx) or ever (5xx). */
    public static final class RoutingException extends Exception {
        private final transient RemoteReply reply;

        public RoutingException(RemoteReply reply) {
            super(reply.toString(), null, false, false);
            this.reply = reply;
        }

        public RemoteReply reply() {
            return reply;
        }
    }
}
