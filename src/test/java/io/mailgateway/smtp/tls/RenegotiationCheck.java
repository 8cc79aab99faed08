package io.mailgateway.smtp.tls;

import io.mailgateway.smtp.SmtpServer;
import io.mailgateway.smtp.SmtpServerSettings;
import io.mailgateway.testing.SmtpTestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSocket;

/**
 * Run in a JVM of its own by {@link ServerTlsTest}, so the JDK's TLS classes start fresh as in
 * the gateway's process: an SMTPS listener, then a TLS 1.2 client that asks for new handshakes
 * on its connection. Prints "RENEGOTIATED n" (handshakes the server went through) or "REFUSED".
 */
public final class RenegotiationCheck {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        SelfSignedCertificate.ensure(dir.resolve("tls"), "mx.renegotiation.test");
        ServerTls tls = ServerTls.load(dir.resolve("tls").resolve(ServerTls.SELF_SIGNED_CERT),
                dir.resolve("tls").resolve(ServerTls.SELF_SIGNED_KEY), List.of("TLSv1.3", "TLSv1.2"));
        SmtpServerSettings settings = new SmtpServerSettings("mx.renegotiation.test", List.of("example.com"), 1 << 20, 10, 10,
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofHours(1), Duration.ZERO,
                Files.createDirectories(dir.resolve("spool")), 65536);
        SmtpServer server = new SmtpServer(settings, new SmtpServer.Socket("127.0.0.1", 0, 1, 128, true, false), message -> {
            message.content().release();
            return CompletableFuture.failedFuture(new IllegalStateException("no mail expected"));
        }).security(new SmtpServer.Security(tls, true, false, null));
        server.start();
        try (SSLSocket s = (SSLSocket) SmtpTestClient.trustAll().getSocketFactory().createSocket()) {
            s.setEnabledProtocols(new String[] {"TLSv1.2"}); // TLS 1.3 has no renegotiation
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            s.setSoTimeout(15_000);
            s.startHandshake();
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            if (!readLine(in).startsWith("220 ")) {
                throw new IllegalStateException("no greeting");
            }
            int renegotiated = 0;
            try {
                for (int i = 0; i < 5; i++) {
                    s.startHandshake();
                    out.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (!readLine(in).startsWith("250")) {
                        break;
                    }
                    renegotiated++;
                }
            } catch (IOException refused) {
                System.out.println("REFUSED " + refused);
            }
            System.out.println("RENEGOTIATED " + renegotiated);
        } finally {
            server.stop(Duration.ofSeconds(1));
            tls.close();
        }
        System.exit(0); // not waiting for Netty's global executor threads to idle out
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }
}
