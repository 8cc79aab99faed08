package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SMTP dialogue command by command and rule by rule, raw over a socket (RFC 5321, 1870, 2920, 3030, 6152, 6531). */
@ExtendWith(TestGateway.class)
class SmtpProtocolTest {

    private static final byte[] SMALL_BODY = "Subject: t\r\n\r\nhello\r\n.\r\n".getBytes(StandardCharsets.UTF_8);

    // --- greeting, EHLO, HELO ---

    @Test
    void should_greet_with_220_and_no_enhanced_status() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectRaw(TestGateway.port())) {
            SmtpTestClient.Reply greeting = c.expect(220, "");
            assertThat(greeting.text()).startsWith("mx.test.local");
        }
    }

    @Test
    void should_advertise_exactly_the_supported_extensions_on_ehlo() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(TestGateway.port())) {
            List<String> lines = c.send("EHLO client.test").expect(250, "").lines();
            assertThat(lines.get(0)).startsWith("mx.test.local");
            assertThat(lines.subList(1, lines.size())).containsExactly(
                    "PIPELINING", "SIZE 4194304", "8BITMIME", "ENHANCEDSTATUSCODES", "CHUNKING", "SMTPUTF8", "STARTTLS");
        }
    }

    @Test
    void should_accept_helo() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(TestGateway.port())) {
            c.send("HELO client.test").expect(250);
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
        }
    }

    @Test
    void should_refuse_ehlo_and_helo_without_argument() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(TestGateway.port())) {
            c.send("EHLO").expect(501, "5.5.4");
            c.send("HELO ").expect(501, "5.5.4");
        }
    }

    // --- sequence rules ---

    @Test
    void should_refuse_mail_before_ehlo() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org>").expect(503, "5.5.1");
        }
    }

    @Test
    void should_refuse_rcpt_before_mail() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("RCPT TO:<x@example.com>").expect(503, "5.5.1");
        }
    }

    @Test
    void should_refuse_data_before_mail() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("DATA").expect(503, "5.5.1");
        }
    }

    @Test
    void should_refuse_data_without_an_accepted_recipient_and_stay_in_command_mode() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<x@example.org>").expect(550, "5.7.1");
            c.send("DATA").expect(554, "5.5.1");
            c.send("NOOP").expect(250, "2.0.0");
        }
    }

    @Test
    void should_refuse_nested_mail() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("MAIL FROM:<b@example.org>").expect(503, "5.5.1");
        }
    }

    @Test
    void should_clear_the_transaction_on_rset() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("RSET").expect(250, "2.0.0");
            c.send("RCPT TO:<x@example.com>").expect(503, "5.5.1");
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
        }
    }

    // --- simple commands ---

    @Test
    void should_answer_noop_with_250() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("NOOP").expect(250, "2.0.0");
        }
    }

    @Test
    void should_neither_confirm_nor_deny_an_address_on_vrfy() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("VRFY someone@example.com").expect(252, "2.5.0");
        }
    }

    @Test
    void should_answer_help_with_214() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("HELP").expect(214, "2.0.0");
        }
    }

    @Test
    void should_say_bye_on_quit_and_close() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("QUIT").expect(221, "2.0.0");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void should_refuse_an_unknown_verb() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("XYZZY plugh").expect(500, "5.5.2");
        }
    }

    @Test
    void should_refuse_auth_in_clear_text() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            // RFC 4954 4: PLAIN sends the password itself, so never before STARTTLS
            c.send("AUTH PLAIN AGFsaWNlAHNlY3JldA==").expect(538, "5.7.11");
        }
    }

    // --- recipients ---

    @Test
    void should_refuse_a_recipient_in_a_non_local_domain() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.com>").expect(250, "2.1.0");
            c.send("RCPT TO:<someone@example.org>").expect(550, "5.7.1");
        }
    }

    @Test
    void should_match_the_local_domain_case_insensitively() throws Exception {
        String user = TestGateway.uniqueUser("upper");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.sendMail("a@example.org", List.of(user + "@EXAMPLE.COM"), SMALL_BODY);
        }
        awaitMail(user + "@example.com", 1);
    }

    @Test
    void should_accept_postmaster_without_domain() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<Postmaster>").expect(250, "2.1.5");
        }
    }

    @Test
    void should_refuse_recipients_past_the_limit_with_452_and_still_accept_the_message_for_the_first_five() throws Exception {
        String prefix = TestGateway.uniqueUser("many");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            for (int i = 1; i <= TestGateway.MAX_RECIPIENTS; i++) {
                c.send("RCPT TO:<" + prefix + "r" + i + "@example.com>").expect(250, "2.1.5");
            }
            // More 452s than the session's error limit: they are not errors, the session stays.
            for (int extra = 0; extra <= TestGateway.MAX_ERRORS; extra++) {
                c.send("RCPT TO:<" + prefix + "r6@example.com>").expect(452, "4.5.3");
            }
            c.send("DATA").expect(354);
            c.sendRaw(SMALL_BODY).expect(250, "2.0.0");
        }
        for (int i = 1; i <= TestGateway.MAX_RECIPIENTS; i++) {
            awaitMail(prefix + "r" + i + "@example.com", 1);
        }
        assertThat(TestGateway.newMail(prefix + "r6@example.com")).isEmpty();
    }

    // --- MAIL parameters and paths ---

    @Test
    void should_refuse_a_declared_size_over_the_limit() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org> SIZE=" + (TestGateway.MAX_MESSAGE_SIZE + 1)).expect(552, "5.3.4");
            c.send("MAIL FROM:<a@example.org> SIZE=" + TestGateway.MAX_MESSAGE_SIZE).expect(250, "2.1.0");
        }
    }

    @Test
    void should_refuse_a_size_that_is_not_a_number() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org> SIZE=abc").expect(501, "5.5.4");
        }
    }

    @Test
    void should_refuse_an_unknown_mail_parameter() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org> FOO=bar").expect(555, "5.5.4");
        }
    }

    @Test
    void should_accept_body_8bitmime_and_refuse_an_unknown_body_type() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org> BODY=foo").expect(501, "5.5.4");
            c.send("MAIL FROM:<a@example.org> BODY=8BITMIME").expect(250, "2.1.0");
        }
    }

    @Test
    void should_refuse_a_utf8_address_without_smtputf8() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<jörg@example.org>").expect(553, "5.6.7");
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<jörg@example.com>").expect(553, "5.6.7");
        }
    }

    @Test
    void should_accept_and_store_a_utf8_address_with_smtputf8() throws Exception {
        String rcpt = TestGateway.uniqueUser("ünïcödé") + "@example.com";
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<jörg@example.org> SMTPUTF8").expect(250, "2.1.0");
            c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            c.sendRaw("Subject: Grüße\r\n\r\nhallo\r\n.\r\n").expect(250, "2.0.0");
        }
        String stored = storedText(awaitMail(rcpt, 1).get(0));
        assertThat(stored).contains("Return-Path: <jörg@example.org>", "with UTF8SMTP", "Subject: Grüße");
    }

    @Test
    void should_refuse_mail_parameters_after_helo() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(TestGateway.port())) {
            c.send("HELO client.test").expect(250);
            c.send("MAIL FROM:<a@example.org> SIZE=100").expect(555, "5.5.4");
        }
    }

    @Test
    void should_refuse_malformed_paths() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:a@example.org").expect(501, "5.1.7");
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<a@@example.com>").expect(501, "5.1.3");
        }
    }

    // --- pipelining and transactions ---

    @Test
    void should_answer_pipelined_commands_in_order() throws Exception {
        String prefix = TestGateway.uniqueUser("pipe");
        try (SmtpTestClient c = SmtpTestClient.connect(TestGateway.port())) {
            c.sendRaw("EHLO client.test\r\nMAIL FROM:<a@example.org>\r\n"
                    + "RCPT TO:<" + prefix + "a@example.com>\r\nRCPT TO:<x@example.org>\r\n"
                    + "RCPT TO:<" + prefix + "b@example.com>\r\nDATA\r\n");
            c.expect(250, "");
            c.expect(250, "2.1.0");
            c.expect(250, "2.1.5");
            c.expect(550, "5.7.1");
            c.expect(250, "2.1.5");
            c.expect(354);
            c.sendRaw(SMALL_BODY).expect(250, "2.0.0");
        }
        awaitMail(prefix + "a@example.com", 1);
        awaitMail(prefix + "b@example.com", 1);
    }

    @Test
    void should_accept_two_messages_on_one_connection() throws Exception {
        String rcpt = TestGateway.uniqueUser("two") + "@example.com";
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            String first = c.sendMail("a@example.org", List.of(rcpt), SMALL_BODY);
            String second = c.sendMail("b@example.org", List.of(rcpt), SMALL_BODY);
            assertThat(second).isNotEqualTo(first);
            c.send("QUIT").expect(221, "2.0.0");
        }
        awaitMail(rcpt, 2);
    }

    // --- BDAT (RFC 3030) ---

    @Test
    void should_accept_bdat_chunks_without_dot_unstuffing() throws Exception {
        String rcpt = TestGateway.uniqueUser("bdat") + "@example.com";
        String chunk1 = "Subject: bdat\r\n\r\n..two dots\r\n.\r\n";
        String chunk2 = ".one dot\r\nend\r\n";
        try (SmtpTestClient c = startTransaction(rcpt)) {
            c.sendRaw(bdat(chunk1, false)).expect(250, "2.0.0");
            SmtpTestClient.queueId(c.sendRaw(bdat(chunk2, true)).expect(250, "2.0.0"));
        }
        assertThat(storedText(awaitMail(rcpt, 1).get(0))).endsWith("\r\n" + chunk1 + chunk2);
    }

    @Test
    void should_end_a_message_with_bdat_0_last() throws Exception {
        String rcpt = TestGateway.uniqueUser("bdatzero") + "@example.com";
        try (SmtpTestClient c = startTransaction(rcpt)) {
            c.sendRaw(bdat("Subject: z\r\n\r\nzero\r\n", false)).expect(250, "2.0.0");
            SmtpTestClient.queueId(c.send("BDAT 0 LAST").expect(250, "2.0.0"));
        }
        assertThat(storedText(awaitMail(rcpt, 1).get(0))).endsWith("\r\nSubject: z\r\n\r\nzero\r\n");
    }

    @Test
    void should_consume_the_chunk_of_bdat_without_mail_and_go_on() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            // The chunk looks like a command; it must be swallowed as content, not run.
            c.sendRaw(bdat("VRFY x\r\n", false)).expect(503, "5.5.1");
            c.send("NOOP").expect(250, "2.0.0");
        }
    }

    @Test
    void should_consume_the_chunk_of_a_malformed_bdat_so_its_octets_never_run_as_commands() throws Exception {
        String victim = TestGateway.uniqueUser("bdatvictim") + "@example.com";
        String chunk = "RCPT TO:<" + victim + ">\r\n";
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            for (String args : List.of(chunk.length() + "\tLAST", chunk.length() + " LAST X", chunk.length() + " FIRST")) {
                c.sendRaw(("BDAT " + args + "\r\n" + chunk).getBytes(StandardCharsets.US_ASCII)).expect(501, "5.5.4");
            }
            // no recipient was added by the chunks: the transaction has none
            c.sendRaw(bdat("Subject: x\r\n", true)).expect(554, "5.5.1");
        }
    }

    @Test
    void should_abort_a_bdat_message_whose_chunk_was_refused_for_its_syntax() throws Exception {
        String rcpt = TestGateway.uniqueUser("bdatgap") + "@example.com";
        try (SmtpTestClient c = startTransaction(rcpt)) {
            c.sendRaw(bdat("Subject: gap\r\n\r\nfirst\r\n", false)).expect(250, "2.0.0");
            c.sendRaw("BDAT 8 LAST X\r\nmissing\n".getBytes(StandardCharsets.US_ASCII)).expect(501, "5.5.4");
            // the message lost a chunk: what follows may not complete it
            c.sendRaw(bdat("last\r\n", true)).expect(503, "5.5.1");
        }
        assertThat(TestGateway.newMail(rcpt)).isEmpty();
    }

    @Test
    void should_take_a_bdat_size_with_leading_zeros() throws Exception {
        String rcpt = TestGateway.uniqueUser("bdatzeros") + "@example.com";
        String chunk = "Subject: zeros\r\n\r\nbody\r\n";
        try (SmtpTestClient c = startTransaction(rcpt)) {
            SmtpTestClient.queueId(c.sendRaw(("BDAT 000000000000000000000" + chunk.length() + " LAST\r\n" + chunk)
                    .getBytes(StandardCharsets.US_ASCII)).expect(250, "2.0.0"));
        }
        assertThat(storedText(awaitMail(rcpt, 1).get(0))).contains("Subject: zeros");
    }

    @Test
    void should_refuse_data_after_a_bdat_chunk() throws Exception {
        try (SmtpTestClient c = startTransaction(TestGateway.uniqueUser("mixed") + "@example.com")) {
            c.sendRaw(bdat("Subject: x\r\n", false)).expect(250, "2.0.0");
            c.send("DATA").expect(503, "5.5.1");
        }
    }

    // --- a real client ---

    @Test
    void should_store_a_message_from_jakarta_mail_that_parses_back_identically() throws Exception {
        String rcpt = TestGateway.uniqueUser("angus") + "@example.com";
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(TestGateway.port()));
        props.put("mail.smtp.localhost", "client.test");
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "15000");
        Session session = Session.getInstance(props);
        String subject = "Grüße aus Köln – ✓ ünïcödé";
        byte[] attachment = new byte[3000];
        for (int i = 0; i < attachment.length; i++) {
            attachment[i] = (byte) (i * 31 + i / 256);
        }
        MimeMessage sent = new MimeMessage(session);
        sent.setFrom(new InternetAddress("sender@example.org"));
        sent.setRecipients(Message.RecipientType.TO, rcpt);
        sent.setSubject(subject, "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Hallo, schöne Welt!\n", "UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
        file.setFileName("data.bin");
        sent.setContent(new MimeMultipart(text, file));
        Transport.send(sent);

        try (InputStream in = Files.newInputStream(awaitMail(rcpt, 1).get(0))) {
            MimeMessage stored = new MimeMessage(session, in);
            assertThat(stored.getSubject()).isEqualTo(subject);
            MimeMultipart parts = (MimeMultipart) stored.getContent();
            assertThat(parts.getCount()).isEqualTo(2);
            assertThat((String) parts.getBodyPart(0).getContent()).isEqualToNormalizingNewlines("Hallo, schöne Welt!\n");
            assertThat(parts.getBodyPart(1).getFileName()).isEqualTo("data.bin");
            assertThat(parts.getBodyPart(1).getInputStream().readAllBytes()).isEqualTo(attachment);
        }
    }

    // --- helpers ---

    /** Connects, sends EHLO, MAIL and one accepted RCPT. */
    private static SmtpTestClient startTransaction(String rcpt) throws Exception {
        SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port());
        c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
        c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
        return c;
    }

    private static byte[] bdat(String chunk, boolean last) {
        byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
        return ("BDAT " + bytes.length + (last ? " LAST" : "") + "\r\n" + chunk).getBytes(StandardCharsets.UTF_8);
    }

    private static List<Path> awaitMail(String address, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.newMail(address).size() == count);
        return TestGateway.newMail(address);
    }

    private static String storedText(Path file) throws Exception {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
