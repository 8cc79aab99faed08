package io.mailgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chunked write puts head and body in the file exactly, whatever their sizes against the chunk. */
class DurableFilesTest {

    private static final int CHUNK = DurableFiles.CHUNK;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "head {0}, body {1}")
    @CsvSource({
        "0, 0", "40, 0", "0, 1", "40, 1000",
        "40, " + (CHUNK - 41), "40, " + (CHUNK - 40), "40, " + (CHUNK - 39),
        "0, " + CHUNK, "40, " + (3 * CHUNK + 7),
        // BlobFiles passes the first 64 KiB and more of a body as the head
        (CHUNK + 1) + ", 0", (CHUNK + 1) + ", " + (2 * CHUNK), (2 * CHUNK) + ", 5"
    })
    void should_write_head_then_body_exactly(int headSize, int bodySize) throws IOException {
        byte[] head = random(headSize, 1);
        byte[] body = random(bodySize, 2);
        Path file = dir.resolve("m");

        DurableFiles.write(file, head, new ByteArrayInputStream(body), false);

        assertThat(Files.readAllBytes(file)).isEqualTo(concat(head, body));
    }

    @Test
    void should_read_a_stream_that_returns_a_few_octets_at_a_time() throws IOException {
        byte[] body = random(CHUNK + 3_000, 3);
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(body)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        Path file = dir.resolve("m");

        DurableFiles.write(file, "Return-Path: <a@b>\r\n".getBytes(), trickle, true);

        assertThat(Files.readAllBytes(file)).isEqualTo(concat("Return-Path: <a@b>\r\n".getBytes(), body));
    }

    @Test
    void should_replace_a_longer_file_left_by_an_earlier_attempt() throws IOException {
        Path file = dir.resolve("m");
        Files.write(file, random(3 * CHUNK, 4));

        DurableFiles.write(file, new byte[] {'h'}, new ByteArrayInputStream(new byte[] {'b'}), false);

        assertThat(Files.readAllBytes(file)).isEqualTo(new byte[] {'h', 'b'});
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
