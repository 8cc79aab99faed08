package io.mailgateway.delivery;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * INTERIM router: reads only {@code DOMAIN=smtp:[IP]:PORT} entries of TRANSPORT_MAP (other
 * entries such as {@code *=mx} are ignored, so only the listed domains are relayed). It stands
 * in until the relay work's {@code NextHops} (TRANSPORT_MAP, RELAY_HOST, RELAY_DOMAINS, MX
 * lookups) implements {@link Router}; then this class goes.
 */
public final class StaticTransportMapRouter implements Router {

    private static final Pattern ENTRY = Pattern.compile("([^=\\s]+)\\s*=\\s*smtp:\\[([^\\]]+)\\]:([0-9]{1,5})");

    private final Map<String, InetSocketAddress> hops = new LinkedHashMap<>();

    public StaticTransportMapRouter(String transportMap) {
        for (String entry : transportMap.split(",")) {
            Matcher m = ENTRY.matcher(entry.trim());
            if (m.matches()) {
                hops.put(m.group(1).toLowerCase(Locale.ROOT),
                        InetSocketAddress.createUnresolved(m.group(2), Integer.parseInt(m.group(3))));
            }
        }
    }

    @Override
    public boolean relays(String recipient) {
        return hops.containsKey(domainOf(recipient));
    }

    @Override
    public List<HopGroup> route(List<String> recipients) {
        Map<String, List<String>> byHop = new LinkedHashMap<>();
        List<String> unroutable = new ArrayList<>();
        for (String rcpt : recipients) {
            InetSocketAddress hop = hops.get(domainOf(rcpt));
            if (hop == null) {
                unroutable.add(rcpt);
            } else {
                byHop.computeIfAbsent(hop.getHostString() + ":" + hop.getPort(), k -> new ArrayList<>()).add(rcpt);
            }
        }
        List<HopGroup> groups = new ArrayList<>();
        byHop.forEach((name, rcpts) -> {
            InetSocketAddress unresolved = hops.get(domainOf(rcpts.get(0)));
            groups.add(new HopGroup(name, List.of(new InetSocketAddress(unresolved.getHostString(), unresolved.getPort())), rcpts, null));
        });
        if (!unroutable.isEmpty()) {
            // The map changed since acceptance: no route now, maybe again after a fix; retry.
            groups.add(new HopGroup("(none)", List.of(), unroutable, new RemoteReply(451, "4.4.0 No route to the recipient's domain")));
        }
        return groups;
    }

    static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }
}
