package io.mailgateway.policy.scan;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mailgateway.message.MessageContent;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.scan.RspamdReply.RspamdException;
import io.mailgateway.testing.Envelopes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rspamd client against what no real rspamd does on purpose but a stuck one or a proxy in
 * front of it can: a reply that starts and never ends (a server on a loopback socket).
 */
class RspamdClientTest {

    @TempDir
    Path dir;

    @Test
    void should_bound_a_reply_whose_body_stalls_by_spam_timeout() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread stalling = new Thread(() -> answerHeadersThenStall(server));
            stalling.setDaemon(true);
            stalling.start();
            RspamdClient rspamd = new RspamdClient("http://127.0.0.1:" + server.getLocalPort(), Duration.ofMillis(300));
            EndOfData message = message();
            // before: blocked reading the body until the server closed (here: a minute)
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> rspamd.check(message))
                    .isInstanceOf(RspamdException.class).hasMessageContaining("within 300 ms"));
            stalling.interrupt();
        }
    }

    private static void answerHeadersThenStall(ServerSocket server) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            String head = "";
            while (!head.endsWith("\r\n\r\n")) {
                head += (char) in.read();
            }
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"score\":"
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Thread.sleep(60_000);
        } catch (IOException | InterruptedException ignored) {
            // test over
        }
    }

    private EndOfData message() throws IOException {
        Path file = Files.writeString(dir.resolve("spool.eml"), "Subject: x\r\n\r\nhello\r\n", StandardCharsets.US_ASCII);
        return new EndOfData("TESTQ", Envelopes.of("sender@example.org", List.of(), List.of("rcpt@example.com")),
                MessageContent.inSpoolFile(file, Files.size(file)), List.of());
    }
}
