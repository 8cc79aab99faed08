package io.mailgateway.policy.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 50 MB message is signed and verified in a JVM whose whole heap is 32 MB: the body hash is streamed. */
class LargeMessageTest {

    @Test
    void fifty_megabytes_signed_and_verified_with_a_32_megabyte_heap(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                LargeMessageCheck.class.getName(), dir.resolve("big.eml").toString(), String.valueOf(50L << 20)))
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).as(text).contains("RESULT pass fail maxHeap=");
    }
}
