package io.mailgateway.delivery;

import io.mailgateway.message.MessageContent;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages per second through {@link SmtpRelayClient} to a fast local next hop (smtp-sink on
 * port 2600, see bench/relay.sh): 1 KiB messages, one recipient, N concurrent callers.
 * Usage: RelayBench PORT CALLERS SECONDS POOL_SIZE
 */
public final class RelayBench {

    private RelayBench() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int callers = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int pool = Integer.parseInt(args[3]);
        byte[] body = new byte[1024];
        byte[] head = "Subject: bench\r\n\r\n".getBytes();
        System.arraycopy(head, 0, body, 0, head.length);
        for (int i = head.length; i < body.length; i++) {
            body[i] = (byte) ((i % 64 == 63) ? '\n' : 'a' + i % 26);
        }
        MessageContent content = MessageContent.inBuffer(Unpooled.wrappedBuffer(body));
        List<InetSocketAddress> hosts = List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        RelayEnvelope env = new RelayEnvelope("B", "bench@origin.test", List.of("sink@dest.test"), body.length);
        try (SmtpRelayClient client = new SmtpRelayClient(new RelaySettings("bench.test", true, Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(30), pool, Duration.ofSeconds(10)))) {
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
            AtomicLong measured = new AtomicLong();
            ExecutorService workers = Executors.newFixedThreadPool(callers);
            for (int i = 0; i < callers; i++) {
                workers.submit(() -> {
                    while (System.nanoTime() < end) {
                        RelayResult r = client.send(hosts, env, content);
                        boolean good = r.recipients().values().stream().allMatch(RemoteReply::isPositive);
                        (good ? ok : failed).incrementAndGet();
                        if (good && System.nanoTime() > warmEnd) {
                            measured.incrementAndGet();
                        }
                    }
                });
            }
            workers.shutdown();
            workers.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
            System.out.printf("callers=%d pool=%d: %.0f msg/s (%d ok, %d failed, %d connections opened)%n",
                    callers, pool, measured.get() / (double) seconds, ok.get(), failed.get(), client.connectionsOpened());
        }
        content.release();
    }
}
