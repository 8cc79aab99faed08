package io.mailgateway.policy.spf;

import io.mailgateway.message.Mailbox;
import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.dns.LoopbackDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

/**
 * Checks per second of {@link SpfEvaluator} with a warm DNS cache, and of {@link CachingSpfChecker}
 * in front of it, on a realistic record: an include chain of 3 with ip4 ranges, ip6, a and mx.
 * Not a test: run once by bench/spf.sh (single thread, a few seconds per phase).
 */
public final class SpfBench {

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;
        try (LoopbackDnsServer server = new LoopbackDnsServer()) {
            zone(server);
            DnsjavaResolver dns = new DnsjavaResolver(List.of(server.address()), Duration.ofSeconds(2), 10_000, 86_400);
            SpfEvaluator evaluator = new SpfEvaluator(dns, "gw.bench.test");
            // a pass at the end of the chain, a fail after every term, a pass on the first term
            String[][] clients = {{"192.0.2.77", "pass"}, {"203.0.113.9", "fail"}, {"198.51.100.20", "pass"}};
            for (String[] c : clients) {
                SpfResult r = evaluator.check(c[0], Mailbox.of("news@bench.test"), "mta.bench.test");
                System.out.printf("%-14s -> %s%n", c[0], r.keyword());
                if (!r.keyword().equals(c[1])) {
                    throw new IllegalStateException("expected " + c[1]);
                }
            }
            int queriesWarm = server.queries("bench.test");
            for (String[] c : clients) {
                run("evaluator, warm DNS cache, client " + c[0] + " (" + c[1] + ")", seconds,
                        i -> evaluator.check(c[0], Mailbox.of("news@bench.test"), "mta.bench.test"));
            }
            System.out.printf("DNS queries for bench.test after warm-up: %d (cache answers the rest: %d)%n",
                    queriesWarm, server.queries("bench.test"));
            CachingSpfChecker cached = new CachingSpfChecker(evaluator, 10_000, Duration.ofSeconds(300));
            run("SPF cache, 1,000 distinct (ip, domain, helo) keys rotating (hits after the first round)", seconds,
                    i -> cached.check("192.0.2." + (i % 250), Mailbox.of("news@bench.test"), "mta" + (i / 250 % 4) + ".bench.test"));
        }
    }

    private interface Op {
        Object apply(long i);
    }

    private static void run(String label, long seconds, Op op) {
        for (long i = 0; i < 20_000; i++) {
            op.apply(i); // JIT warm-up
        }
        long n = 0;
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            for (int k = 0; k < 1000; k++) {
                op.apply(n++);
            }
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%-80s %,12.0f checks/s  (%.2f µs/check)%n", label, n / s, s * 1e6 / n);
    }

    private static void zone(LoopbackDnsServer server) throws Exception {
        txt(server, "bench.test", "v=spf1 ip4:198.51.100.0/24 ip4:198.51.101.0/24 include:_spf1.bench.test -all");
        txt(server, "_spf1.bench.test", "v=spf1 ip4:100.64.0.0/16 ip4:100.65.0.0/16 ip4:100.66.0.0/16 "
                + "ip6:2001:db8:1::/48 include:_spf2.bench.test ~all");
        txt(server, "_spf2.bench.test", "v=spf1 ip4:172.16.0.0/16 ip4:172.17.0.0/16 ip4:172.18.0.0/16 "
                + "ip6:2001:db8:2::/48 include:_spf3.bench.test ~all");
        txt(server, "_spf3.bench.test", "v=spf1 a:mail.bench.test mx ip4:10.10.0.0/16 ip4:192.0.2.0/24 ~all");
        server.add(new ARecord(n("mail.bench.test"), DClass.IN, 3600, InetAddress.getByName("100.127.0.1")));
        server.add(new MXRecord(n("_spf3.bench.test"), DClass.IN, 3600, 10, n("mx1.bench.test")));
        server.add(new MXRecord(n("_spf3.bench.test"), DClass.IN, 3600, 20, n("mx2.bench.test")));
        server.add(new ARecord(n("mx1.bench.test"), DClass.IN, 3600, InetAddress.getByName("100.127.0.2")));
        server.add(new ARecord(n("mx2.bench.test"), DClass.IN, 3600, InetAddress.getByName("100.127.0.3")));
    }

    private static void txt(LoopbackDnsServer server, String name, String text) {
        server.add(new TXTRecord(n(name), DClass.IN, 3600, text));
    }

    private static Name n(String s) {
        return Name.fromConstantString(s + ".");
    }
}
