package io.mailgateway.testing;

import java.io.BufferedReader;
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
 * test JVM, and never one another test JVM of the same build may hand out: when Maven runs
 * several (system properties {@value #FORK} and {@value #FORKS}, set in pom.xml), each takes its
 * own slice of the range. Without that, a failover test's port, released when its node is
 * killed and free until the replica binds it, could be handed to the other JVM's next gateway
 * (ZooKeeperFailoverIT failed so once).
 */
public final class FreePorts {

    /** Lowest port handed out: above the peers and defaults the bench and CI use (2525, 2600, 9090, ...). */
    private static final int LOWEST = 20_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    /** This test JVM's number, 1 to {@link #FORKS} (surefire's and failsafe's forkNumber). */
    static final String FORK = "mailgateway.test.fork";
    /** How many test JVMs the build runs side by side. */
    static final String FORKS = "mailgateway.test.forks";

    private FreePorts() {
    }

    /** A loopback port nothing listens on now, never a fixed well-known one. */
    public static int next() {
        int[] slice = slice(LOWEST, ephemeralLow(), fork(), forks());
        if (slice[1] - slice[0] >= 500) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(slice[0], slice[1]);
                if (!HANDED_OUT.contains(port) && bindable(port)) {
                    HANDED_OUT.add(port);
                    return port;
                }
            }
        }
        return kernelChosen(); // an unusual port range: the old way
    }

    /** How many test JVMs run side by side: 1 when not set (a test run from an IDE). */
    static int forks() {
        return number(FORKS, 1);
    }

    /** This JVM's number among them; a value Maven did not fill in fails rather than share slice 1. */
    static int fork() {
        return number(FORK, 1);
    }

    private static int number(String property, int unset) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return unset;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(property + " is '" + value + "', not a number (pom.xml's systemPropertyVariables)", e);
        }
    }

    /**
     * The ports [from, to) of test JVM {@code fork} of {@code forks}: equal, disjoint slices of
     * [low, ceiling). A fork number outside 1..forks (a run without Maven's properties) gets the
     * whole range.
     */
    static int[] slice(int low, int ceiling, int fork, int forks) {
        if (forks <= 1 || fork < 1 || fork > forks) {
            return new int[] {low, ceiling};
        }
        int width = (ceiling - low) / forks;
        int from = low + (fork - 1) * width;
        return new int[] {from, from + width};
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

    /**
     * The first ephemeral port (net.ipv4.ip_local_port_range; 32768 when it cannot be read). Read
     * in one call: the file reports size 0, so {@code Files.readString} reads one octet first and
     * then asks for the rest at offset 1, where a sysctl file answers end of file. It returned
     * "3", and every port came from the kernel's ephemeral range.
     */
    static int ephemeralLow() {
        try (BufferedReader in = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            String range = in.readLine();
            int low = Integer.parseInt(range.trim().split("\\s+")[0]);
            return low > LOWEST ? low : 32_768;
        } catch (IOException | RuntimeException unknown) {
            return 32_768;
        }
    }
}
