// Cost per connection of the connection policy (admit + release, as the SMTP session does it),
// single-threaded and with 2 threads, for a non-whitelisted client population and for loopback.
// Not JMH (not in the local Maven mirror); a warm-up, then 5 timed rounds, median reported.
//
//   ./mvnw -B -q -o package -DskipTests
//   java -cp 'target/classes:target/lib/*' bench/LimitsMicrobench.java
import io.mailgateway.policy.Connection;
import io.mailgateway.policy.limits.CidrSet;
import io.mailgateway.policy.limits.ConnectionPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

public class LimitsMicrobench {

    static final int OPS = 2_000_000;

    public static void main(String[] args) throws Exception {
        InetAddress[] clients = new InetAddress[10_000];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
        }
        InetAddress[] loopback = {InetAddress.getByName("127.0.0.1")};
        run("no limits (caps only, huge)", policy(false, 0), clients);
        run("per-IP cap + rate limit, 10k clients", policy(true, 20), clients);
        run("per-IP cap + rate limit, 1 client", policy(true, 20), new InetAddress[] {clients[0]});
        run("whitelisted loopback", policy(true, 20), loopback);
    }

    static ConnectionPolicy policy(boolean rate, int perIp) {
        // a rate so high that no token request is refused: we measure the bookkeeping
        return new ConnectionPolicy(new ConnectionPolicy.Limits(1_000_000, perIp, rate, 600_000_000, 100_000_000,
                CidrSet.parse("127.0.0.0/8,::1"), Duration.ofMinutes(1), 100_000, false, Duration.ZERO,
                Duration.ofHours(4), Duration.ofDays(36), 1000, null));
    }

    static void run(String name, ConnectionPolicy policy, InetAddress[] clients) throws Exception {
        for (int threads : new int[] {1, 2}) {
            once(policy, clients, threads); // warm-up
            double[] ns = new double[5];
            for (int r = 0; r < ns.length; r++) {
                ns[r] = once(policy, clients, threads);
            }
            Arrays.sort(ns);
            System.out.printf("%-40s threads=%d  %7.1f ns per connection (median of 5; min %.1f, max %.1f)%n",
                    name, threads, ns[2], ns[0], ns[4]);
        }
    }

    static double once(ConnectionPolicy policy, InetAddress[] clients, int threads) throws Exception {
        LongAdder refused = new LongAdder();
        Thread[] ts = new Thread[threads];
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int offset = t * 7919;
            ts[t] = new Thread(() -> {
                for (int i = 0; i < OPS; i++) {
                    Connection c = Connection.from(clients[(i + offset) % clients.length]);
                    if (policy.onConnect(c).refuses()) {
                        refused.increment();
                    } else {
                        policy.onDisconnect(c);
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        long elapsed = System.nanoTime() - start;
        if (refused.sum() > 0) {
            throw new IllegalStateException("refusals in a benchmark meant to accept: " + refused.sum());
        }
        return (double) elapsed / OPS; // per connection per thread: wall time / ops of one thread
    }
}
