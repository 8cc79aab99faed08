package io.mailgateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the client sends is what lands in the Maildir, byte for byte, after the headers the
 * gateway prepends (Return-Path by the store, Received by the inbound route).
 */
@ExtendWith(TestGateway.class)
class MaildirRoundTripTest {

    /** A message with 8-bit and UTF-8 bytes, lines starting with dots, a bare LF and a bare CR. */
    private static final byte[] ORIGINAL = bytes(
            "From: J\u00f6rg <joerg@example.org>\r\n"
            + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Gr\u00fc\u00dfe, \u65e5\u672c\u8a9e \u2603\r\n"
            + ".a line that starts with a dot\r\n"
            + "..two dots\r\n"
            + ".\r\n".substring(0, 1) + " lone dot and space\r\n"
            + "bare\nLF and bare\rCR stay as they are\r\n"
            + "raw 8-bit: ", new byte[] {(byte) 0xff, (byte) 0x80, (byte) 0xfe}, "\r\n");

    @Test
    void should_store_data_content_byte_for_byte() throws Exception {
        String rcpt = TestGateway.uniqueUser("rt") + "@example.com";
        String id;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<joerg@example.org> BODY=8BITMIME SMTPUTF8").expect(250, "2.1.0");
            c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw(dotStuff(ORIGINAL));
            c.sendRaw(".\r\n");
            id = SmtpTestClient.queueId(c.expect(250, "2.0.0"));
        }
        assertStored(rcpt, id, "joerg@example.org", ORIGINAL);
    }

    @Test
    void should_store_bdat_chunks_byte_for_byte_without_unstuffing() throws Exception {
        String rcpt = TestGateway.uniqueUser("rtb") + "@test.local";
        byte[] first = Arrays.copyOfRange(ORIGINAL, 0, 100);
        byte[] second = Arrays.copyOfRange(ORIGINAL, 100, ORIGINAL.length);
        String id;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<>").expect(250, "2.1.0");
            c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
            c.sendRaw(("BDAT " + first.length + "\r\n").getBytes(StandardCharsets.US_ASCII)).sendRaw(first);
            c.expect(250, "2.0.0");
            c.sendRaw(("BDAT " + second.length + " LAST\r\n").getBytes(StandardCharsets.US_ASCII)).sendRaw(second);
            id = SmtpTestClient.queueId(c.expect(250, "2.0.0"));
        }
        assertStored(rcpt, id, "", ORIGINAL);
    }

    @Test
    void should_store_one_copy_per_recipient_and_one_per_duplicate_recipient_only() throws Exception {
        String a = TestGateway.uniqueUser("multi") + "@example.com";
        String b = TestGateway.uniqueUser("multi") + "@localhost";
        byte[] message = bytes("Subject: two\r\n\r\nbody\r\n");
        String id;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<s@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<" + a + ">").expect(250, "2.1.5");
            c.send("RCPT TO:<" + b + ">").expect(250, "2.1.5");
            c.send("RCPT TO:<" + a.toUpperCase() + ">").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw(message).sendRaw(".\r\n");
            id = SmtpTestClient.queueId(c.expect(250, "2.0.0"));
        }
        assertStored(a, id, "s@example.org", message);
        assertStored(b, id, "s@example.org", message);
        assertThat(TestGateway.newMail(a)).hasSize(1);
    }

    private static void assertStored(String rcpt, String id, String sender, byte[] original) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.newMail(rcpt).size() == 1);
        Path file = TestGateway.newMail(rcpt).get(0);
        assertThat(file.getFileName().toString()).contains(id);
        byte[] stored = Files.readAllBytes(file);
        String text = new String(stored, StandardCharsets.ISO_8859_1);
        String returnPath = "Return-Path: <" + sender + ">\r\n";
        assertThat(text).startsWith(returnPath + "Received: from client.test ([127.0.0.1])\r\n\tby mx.test.local (mail-gateway) with ");
        assertThat(text).contains(" id " + id);
        // The Received header is folded: its continuation lines start with a tab.
        int end = returnPath.length();
        do {
            end = text.indexOf("\r\n", end) + 2;
        } while (text.charAt(end) == '\t');
        // then the gateway's Authentication-Results (RFC 8601), also folded
        assertThat(text.substring(end)).startsWith("Authentication-Results: mx.test.local;");
        do {
            end = text.indexOf("\r\n", end) + 2;
        } while (text.charAt(end) == '\t');
        byte[] rest = Arrays.copyOfRange(stored, end, stored.length);
        assertThat(rest).isEqualTo(original);
    }

    private static byte[] dotStuff(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            if (lineStart && message[i] == '.') {
                out.write('.');
            }
            out.write(message[i]);
            lineStart = message[i] == '\n' && i > 0 && message[i - 1] == '\r';
        }
        return out.toByteArray();
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : ((String) p).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

}
