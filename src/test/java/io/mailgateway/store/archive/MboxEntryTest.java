package io.mailgateway.store.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MboxEntryTest {

    private static final long T = Instant.parse("2026-03-04T09:05:07Z").toEpochMilli();

    @Test
    void should_quote_from_lines_mboxrd_style_and_decode_back() {
        byte[] message = "From: a@example.org\r\n\r\nFrom here\r\n>From there\r\n>>From far\r\n>not from\r\nFrom".getBytes(StandardCharsets.UTF_8);
        MboxEntry entry = new MboxEntry("ABC123", "", T, message);
        String encoded = new String(entry.encode(), StandardCharsets.UTF_8);
        assertThat(encoded).isEqualTo("From MAILER-DAEMON Wed Mar  4 09:05:07 2026\r\nX-Mail-Gateway-Queue-Id: ABC123\r\n"
                + "From: a@example.org\r\n\r\n>From here\r\n>>From there\r\n>>>From far\r\n>not from\r\nFrom\r\n\r\n");
        MboxEntry decoded = MboxEntry.decode(entry.encode());
        assertThat(decoded.queueId()).isEqualTo("ABC123");
        assertThat(decoded.sender()).isEmpty();
        assertThat(decoded.receivedAt()).isEqualTo(T);
        assertThat(new String(decoded.message(), StandardCharsets.UTF_8)).isEqualTo(new String(message, StandardCharsets.UTF_8) + "\r\n");
    }

    @Test
    void should_round_trip_a_message_ending_in_crlf_exactly() {
        byte[] message = "Subject: x\r\n\r\nFrom me\r\n".getBytes(StandardCharsets.UTF_8);
        MboxEntry decoded = MboxEntry.decode(new MboxEntry("Q", "s@example.org", T, message).encode());
        assertThat(decoded.message()).isEqualTo(message);
        assertThat(decoded.sender()).isEqualTo("s@example.org");
    }

    @Test
    void should_write_the_same_entry_streaming_whatever_the_read_sizes() throws IOException {
        Random random = new Random(42);
        byte[] alphabet = ">>From \r\nx".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 2000; round++) {
            byte[] message = new byte[random.nextInt(60)];
            for (int i = 0; i < message.length; i++) {
                message[i] = alphabet[random.nextInt(alphabet.length)];
            }
            int chunk = 1 + random.nextInt(7);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MboxEntry.write("Q", "s@example.org", T, chunked(new ByteArrayInputStream(message), chunk), out);
            assertThat(out.toByteArray()).as("round %d", round).isEqualTo(new MboxEntry("Q", "s@example.org", T, message).encode());
        }
    }

    /** Returns at most {@code chunk} bytes per read, as a network stream may. */
    private static InputStream chunked(InputStream in, int chunk) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }
}
