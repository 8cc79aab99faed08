package io.mailgateway.store.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.luben.zstd.ZstdInputStream;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Through the running gateway: what the Maildir gets (minus Return-Path), the archive and the memory store get too. */
@ExtendWith(TestGateway.class)
class ArchiveRoundTripTest {

    private static final String MESSAGE = "Subject: archive me\r\n\r\nFrom the start of a line\r\n>From quoted already\r\n"
            + ".dot\r\nnot From here\r\n";

    @Test
    void should_archive_the_message_as_stored_in_the_maildir_and_keep_it_in_memory() throws Exception {
        String rcpt = TestGateway.uniqueUser("arch") + "@example.com";
        String id;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<sender@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw(MESSAGE.replace("\r\n.dot", "\r\n..dot")).sendRaw(".\r\n");
            id = SmtpTestClient.queueId(c.expect(250, "2.0.0"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.newMail(rcpt).size() == 1);
        byte[] maildir = Files.readAllBytes(TestGateway.newMail(rcpt).get(0));
        int afterReturnPath = new String(maildir, StandardCharsets.ISO_8859_1).indexOf("\r\n") + 2;
        byte[] expected = Arrays.copyOfRange(maildir, afterReturnPath, maildir.length);
        assertThat(new String(expected, StandardCharsets.UTF_8)).endsWith(MESSAGE);

        ArchiveReader reader = new ArchiveReader(TestGateway.archive(), w -> { });
        await().atMost(Duration.ofSeconds(20)).until(() -> find(reader, id).isPresent());
        MboxEntry entry = find(reader, id).orElseThrow();
        assertThat(entry.message()).isEqualTo(expected);
        assertThat(entry.sender()).isEqualTo("sender@example.org");

        // The hour file decodes as one zstd stream (what zstdcat does): an mbox with the quoted From lines.
        Path file = ArchiveWriter.hourFile(TestGateway.archive(), entry.receivedAt());
        String mbox;
        try (InputStream in = new ZstdInputStream(Files.newInputStream(file))) {
            mbox = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(mbox).contains("From sender@example.org ", "X-Mail-Gateway-Queue-Id: " + id + "\r\n",
                "\r\n>From the start of a line\r\n>>From quoted already\r\n.dot\r\nnot From here\r\n\r\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.memoryStore().get(id) != null);
        assertThat(TestGateway.memoryStore().get(id)).isEqualTo(expected);
    }

    private static Optional<MboxEntry> find(ArchiveReader reader, String id) throws Exception {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        for (java.time.LocalDate day : List.of(today.minusDays(1), today)) {
            for (Path f : reader.hourFiles(day)) {
                Optional<MboxEntry> e = reader.entries(f).stream().filter(m -> m.queueId().equals(id)).findFirst();
                if (e.isPresent()) {
                    return e;
                }
            }
        }
        return Optional.empty();
    }
}
