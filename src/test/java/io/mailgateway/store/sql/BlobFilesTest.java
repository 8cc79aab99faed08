package io.mailgateway.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A body file: written whole or not at all, with no part of it left behind when the write fails. */
class BlobFilesTest {

    @TempDir
    Path root;

    @Test
    void should_leave_no_temporary_file_when_the_body_cannot_be_read_to_the_end() throws Exception {
        InputStream failing = new InputStream() {
            private int left = 10_000;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    throw new IOException("the broker's stream broke"); // every time: never an endless stream
                }
                int n = Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };

        assertThatThrownBy(() -> new BlobFiles(root).write("Q1", 0, "Subject: x\r\n".getBytes(StandardCharsets.US_ASCII), failing))
                .isInstanceOf(IOException.class).hasMessageContaining("stream broke");

        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void should_write_the_head_and_the_rest_into_one_file() throws Exception {
        String ref = new BlobFiles(root).write("Q2", 0, "Subject: y\r\n".getBytes(StandardCharsets.US_ASCII),
                new java.io.ByteArrayInputStream("\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(ref).isEqualTo("file:1970/01/01/Q2.eml");
        assertThat(Files.readString(root.resolve("1970/01/01/Q2.eml"))).isEqualTo("Subject: y\r\n\r\nbody\r\n");
    }
}
