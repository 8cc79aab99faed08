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

    public NextHops(TransportMap map, List<String> relayDomains, List<String> localDomains, DnsResolver dns, Random random) {
        this.map = map;
        this.relayDomains = lower(relayDomains);
        this.localDomains = lower(localDomains);
        this.dns = dns;
        this.random = random;
    }

    public static NextHops fromConfig(GatewayConfig config, DnsResolver dns) {
        List<String> relay = Arrays.stream(config.get("RELAY_DOMAINS").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        return new NextHops(TransportMap.parse(config.get("TRANSPORT_MAP"), config.get("RELAY_HOST")),
                relay, config.localDomains(), dns, null);
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
            case SMTP_DIRECT -> addresses(t.host(), t.port(), true);
        };
        return new NextHop(name, hosts);
    }

    private List<InetSocketAddress> mx(String domain, int port) throws RoutingException {
        DnsAnswer answer = lookup(domain, Type.MX);
        if (answer.status() == DnsAnswer.Status.NXDOMAIN) {
            throw new RoutingException(new RemoteReply(550, "5.1.2 domain " + domain + " does not exist (NXDOMAIN)"));
        }
        List<MXRecord> mxs = answer.records().stream().filter(MXRecord.class::isInstance).map(MXRecord.class::cast).toList();
        if (mxs.isEmpty()) {
            return addresses(domain, port, true); // RFC 5321 5.1: implicit MX
        }
        if (mxs.stream().anyMatch(mx -> mx.getTarget().equals(Name.root))) {
            // RFC 7505 3: a null MX says the domain accepts no mail.
            throw new RoutingException(new RemoteReply(556, "5.1.10 domain " + domain + " accepts no mail (null MX)"));
        }
        List<MXRecord> ordered = new ArrayList<>(mxs);
        Collections.shuffle(ordered, random == null ? ThreadLocalRandom.current() : random);
        ordered.sort((a, b) -> Integer.compare(a.getPriority(), b.getPriority())); // stable: ties stay shuffled
        List<InetSocketAddress> out = new ArrayList<>();
        RoutingException temporary = null;
        for (MXRecord mx : ordered) {
            try {
                out.addAll(addresses(mx.getTarget().toString(true), port, false));
            } catch (RoutingException e) {
                if (e.reply.isTransient()) {
                    temporary = e;
                }
            }
        }
        if (out.isEmpty()) {
            throw temporary != null ? temporary
                    : new RoutingException(new RemoteReply(550, "5.4.4 no address for any mail exchanger of " + domain));
        }
        return out;
    }

    /** A then AAAA of host (or the address itself if host is a literal). */
    private List<InetSocketAddress> addresses(String host, int port, boolean domainItself) throws RoutingException {
        InetAddress literal = literal(host);
        if (literal != null) {
            return List.of(new InetSocketAddress(literal, port));
        }
        DnsAnswer a = lookup(host, Type.A);
        DnsAnswer aaaa = a.status() == DnsAnswer.Status.NXDOMAIN ? a : lookup(host, Type.AAAA);
        if (a.status() == DnsAnswer.Status.NXDOMAIN) {
            throw new RoutingException(new RemoteReply(550, "5.1.2 host " + host + " does not exist (NXDOMAIN)"));
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (Record r : concat(a.records(), aaaa.records())) {
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

    private static List<Record> concat(List<Record> a, List<Record> b) {
        List<Record> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
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
