package io.mailgateway.store.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
}
