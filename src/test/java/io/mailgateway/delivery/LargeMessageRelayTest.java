package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 50 MB message streamed to the capture server by a client JVM whose heap is far smaller. */
class LargeMessageRelayTest {

    private static final long SIZE = 50L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void should_stream_a_50_mb_message_under_a_32_mb_heap() throws Exception {
        Path file = dir.resolve("big.eml");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long written = 0;
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), sha)) {
            out.write("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            written += 16;
            byte[] plain = "line of text with 8-bit \u00e9\u00e8 octets and some more words to fill it\r\n".getBytes(StandardCharsets.UTF_8);
            byte[] dotted = ".a line starting with a dot\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; written < SIZE; i++) {
                byte[] line = i % 50 == 0 ? dotted : plain;
                out.write(line);
                written += line.length;
            }
        }
        String expected = HexFormat.of().formatHex(sha.digest());

        try (CaptureSmtpServer server = new CaptureSmtpServer()) {
            server.keepData = false;
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx32m", "-XX:MaxDirectMemorySize=32m",
                    "-cp", System.getProperty("java.class.path"), LargeMessageSender.class.getName(),
                    String.valueOf(server.address().getPort()), file.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

            System.out.println(output); // the child reports its heap use
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("RESULT 250 2.0.0 Ok: queued");
            assertThat(server.last().sizes).isEqualTo(List.of(written));
            assertThat(server.last().sha256).containsExactly(expected);
        }
    }
}
