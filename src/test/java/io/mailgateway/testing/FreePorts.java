package io.mailgateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers a test starts, free when handed out. Taken below the kernel's
 * ephemeral range: a port the kernel gave to a bind on port 0 is in that range, and once released
 * it can become the local port of any outgoing connection (the test's own clients, the broker's)
 * before the gateway binds it, seconds later in a freshly started JVM ("Address already in
 * use"). Below the range only another explicit bind can take it. Never the same port twice in one
 * test JVM.
 */
public final class FreePorts {

    /** Lowest port handed out: above the peers and defaults the bench and CI use (2525, 2600, 9090, ...). */
    private static final int LOWEST = 20_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A loopback port nothing listens on now, never a fixed well-known one. */
    public static int next() {
        int ceiling = ephemeralLow();
        if (ceiling - LOWEST >= 1_000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, ceiling);
                if (!HANDED_OUT.contains(port) && bindable(port)) {
                    HANDED_OUT.add(port);
                    return port;
                }
            }
        }
        return kernelChosen(); // an unusual port range: the old way
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int kernelChosen() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first ephemeral port (net.ipv4.ip_local_port_range; 32768 when it cannot be read). */
    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return 32_768;
        }
    }
}
