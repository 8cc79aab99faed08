package io.mailgateway.delivery;

import io.mailgateway.message.MessageContent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Sends one spooled message through {@link SmtpRelayClient} and prints the reply: run in its
 * own JVM with a small heap by {@link LargeMessageRelayTest}, so holding the message in memory
 * would fail with OutOfMemoryError.
 */
public final class LargeMessageSender {

    private LargeMessageSender() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path file = Path.of(args[1]);
        long size = Files.size(file);
        MessageContent content = MessageContent.inSpoolFile(file, size);
        try (SmtpRelayClient client = new SmtpRelayClient(new RelaySettings("relay.test", true,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60), 0, Duration.ofSeconds(5)))) {
            RelayResult r = client.send(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)),
                    new RelayEnvelope("BIG", "big@origin.test", List.of("a@dest.test"), size), content);
            Runtime rt = Runtime.getRuntime();
            System.out.println("RESULT " + r.recipients().get("a@dest.test"));
            System.out.println("HEAP max=" + rt.maxMemory() + " used=" + (rt.totalMemory() - rt.freeMemory()));
        }
    }
}
