package io.mailgateway.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * The addresses this gateway's SMTP listeners are bound to (bean "ownListeners", one per
 * gateway), so that the relay never connects back to one of them: an MX host, an implicit MX or
 * a transport-map host that is this gateway would accept the message again, as new mail, and
 * relay it again, without end (RFC 5321 5.1). A listener on the wildcard address is reached
 * through every address of this machine. Thread-safe.
 */
public final class OwnListeners {

    private static final long LOCAL_ADDRESSES_TTL_NANOS = 60_000_000_000L;

    private final List<InetSocketAddress> bound = new CopyOnWriteArrayList<>();
    private volatile Set<InetAddress> localAddresses = Set.of();
    private volatile long localAddressesAt;

    /** Called by each listener once bound. */
    public void listening(InetSocketAddress address) {
        bound.add(address);
    }

    /** Whether a connection to {@code target} would reach one of our listeners. */
    public boolean isOurs(InetSocketAddress target) {
        InetAddress ip = target.getAddress();
        if (ip == null) {
            return false;
        }
        for (InetSocketAddress listener : bound) {
            if (listener.getPort() != target.getPort()) {
                continue;
            }
            InetAddress on = listener.getAddress();
            if (on.isAnyLocalAddress() ? ip.isAnyLocalAddress() || ip.isLoopbackAddress() || localAddresses().contains(ip)
                    : on.equals(ip)) {
                return true;
            }
        }
        return false;
    }

    /** This machine's interface addresses, listed again at most once a minute (they may change). */
    private Set<InetAddress> localAddresses() {
        if (System.nanoTime() - localAddressesAt > LOCAL_ADDRESSES_TTL_NANOS || localAddressesAt == 0) {
            Set<InetAddress> all = new HashSet<>();
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    all.addAll(Collections.list(nic.getInetAddresses()));
                }
            } catch (SocketException e) {
                // keep what we had: better than taking every address for a stranger's
                return localAddresses;
            }
            localAddresses = Set.copyOf(all);
            localAddressesAt = System.nanoTime();
        }
        return localAddresses;
    }
}
