package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Limits and hostile input: long lines, NUL, oversize messages, smuggling, early talkers, timeouts, floods. */
@ExtendWith(TestGateway.class)
class HostileInputTest {

    private static final byte[] SMALL_BODY = "Subject: t\r\n\r\nhello\r\n.\r\n".getBytes(StandardCharsets.UTF_8);

    // --- command lines ---

    @Test
    void should_accept_a_command_line_of_exactly_512_octets() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("NOOP " + "x".repeat(512 - 2 - 5)).expect(250, "2.0.0");
        }
    }

    @Test
    void should_refuse_a_command_line_over_512_octets_and_go_on() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(TestGateway.port())) {
            c.send("NOOP " + "x".repeat(512 - 2 - 5 + 1)).expect(500, "5.5.2");
            c.send("EHLO client.test").expect(250);
        }
    }

    @Test
    void should_answer_a_command_pipelined_behind_an_overlong_line() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(TestGateway.port())) {
            c.sendRaw("NOOP " + "x".repeat(600) + "\r\nEHLO client.test\r\n");
            c.expect(500, "5.5.2");
            c.expect(250);
        }
    }

    @Test
    void should_refuse_a_100_kb_command_line_and_go_on() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(TestGateway.port())) {
            c.send("EHLO " + "x".repeat(100 * 1024)).expect(500, "5.5.2");
            c.send("EHLO client.test").expect(250);
        }
    }

    @Test
    void should_refuse_a_nul_in_a_command_and_go_on() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a\0b@example.org>").expect(501, "5.5.2");
            c.send("NOOP\0").expect(501, "5.5.2");
            c.send("MAIL FROM:<ab@example.org>").expect(250, "2.1.0");
        }
    }

    // --- message content ---

    @Test
    void should_store_a_10000_octet_text_line_intact() throws Exception {
        String rcpt = TestGateway.uniqueUser("longline") + "@example.com";
        StringBuilder line = new StringBuilder(10_000);
        for (int i = 0; i < 10_000; i++) {
            line.append((char) ('a' + i % 26));
        }
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.sendMail("a@example.org", List.of(rcpt),
                    ("Subject: long\r\n\r\n" + line + "\r\nafter\r\n.\r\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(storedText(awaitMail(rcpt, 1).get(0))).endsWith("\r\n\r\n" + line + "\r\nafter\r\n");
    }

    @Test
    void should_refuse_an_oversize_data_message_at_its_end_and_go_on() throws Exception {
        String big = TestGateway.uniqueUser("bigdata") + "@example.com";
        String small = TestGateway.uniqueUser("afterbigdata") + "@example.com";
        try (SmtpTestClient c = startTransaction(big)) {
            c.send("DATA").expect(354);
            sendBlocks(c, TestGateway.MAX_MESSAGE_SIZE / 1000 * 1000 + 100_000);
            c.sendRaw(".\r\n").expect(552, "5.3.4");
            c.sendMail("a@example.org", List.of(small), SMALL_BODY);
        }
        awaitMail(small, 1);
        assertThat(TestGateway.newMail(big)).isEmpty();
    }

    @Test
    void should_refuse_an_oversize_bdat_message_and_go_on() throws Exception {
        String big = TestGateway.uniqueUser("bigbdat") + "@example.com";
        String small = TestGateway.uniqueUser("afterbigbdat") + "@example.com";
        long half = TestGateway.MAX_MESSAGE_SIZE / 2 + 50_000;
        try (SmtpTestClient c = startTransaction(big)) {
            c.send("BDAT " + half);
            sendBlocks(c, half);
            c.expect(250, "2.0.0");
            c.send("BDAT " + half + " LAST");
            sendBlocks(c, half);
            c.expect(552, "5.3.4");
            c.sendMail("a@example.org", List.of(small), SMALL_BODY);
        }
        awaitMail(small, 1);
        assertThat(TestGateway.newMail(big)).isEmpty();
    }

    // --- SMTP smuggling (CVE-2023-51764 and friends) ---

    static Stream<Named<String>> fakeEndsOfData() {
        return Stream.of(Named.of("LF.LF", "\n.\n"), Named.of("CR.CR", "\r.\r"),
                Named.of("CRLF.LF", "\r\n.\n"), Named.of("LF.CRLF", "\n.\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fakeEndsOfData")
    void should_not_let_a_fake_end_of_data_smuggle_a_second_message(String fakeEnd) throws Exception {
        String rcpt = TestGateway.uniqueUser("smuggle") + "@example.com";
        String victim = TestGateway.uniqueUser("victim") + "@example.com";
        String smuggled = "MAIL FROM:<evil@example.org>\r\nRCPT TO:<" + victim + ">\r\nDATA\r\n"
                + "Subject: smuggled\r\n\r\nevil\r\n";
        try (SmtpTestClient c = startTransaction(rcpt)) {
            c.send("DATA").expect(354);
            c.sendRaw("Subject: innocent\r\n\r\nhello" + fakeEnd + smuggled + ".\r\n").expect(250, "2.0.0");
            // Had anything been smuggled, its replies would come before this one.
            c.send("QUIT").expect(221, "2.0.0");
        }
        String stored = storedText(awaitMail(rcpt, 1).get(0));
        assertThat(stored).contains("MAIL FROM:<evil@example.org>", "RCPT TO:<" + victim + ">", "evil");
        assertThat(TestGateway.newMail(victim)).isEmpty();
    }

    // --- connection behaviour ---

    @Test
    void should_refuse_an_early_talker_and_greet_a_patient_client() throws Exception {
        int port = TestGateway.extraListener("hostile-early-talker", "greetingDelay=500");
        try (SmtpTestClient rude = SmtpTestClient.connectRaw(port)) {
            rude.send("EHLO impatient.test").expect(554, "5.5.1");
            assertThat(rude.isClosedByServer()).isTrue();
        }
        long start = System.nanoTime();
        try (SmtpTestClient polite = SmtpTestClient.connect(port)) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            polite.send("EHLO patient.test").expect(250);
        }
    }

    @Test
    void should_close_after_too_many_errors() throws Exception {
        int port = TestGateway.extraListener("hostile-max-errors", "maxErrors=3");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            c.send("XYZZY").expect(500, "5.5.2");
            c.send("XYZZY").expect(500, "5.5.2");
            c.send("XYZZY").expect(500, "5.5.2");
            c.expect(421, "4.7.0");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void should_close_an_idle_session() throws Exception {
        int port = TestGateway.extraListener("hostile-idle", "idleTimeout=1");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            long silentSince = System.nanoTime();
            c.expect(421, "4.4.2");
            assertThat(Duration.ofNanos(System.nanoTime() - silentSince))
                    .isBetween(Duration.ofMillis(800), Duration.ofSeconds(10));
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void should_close_a_session_that_lasts_too_long_even_when_busy() throws Exception {
        int port = TestGateway.extraListener("hostile-session-timeout", "sessionMaxLifetime=2&idleTimeout=30");
        long start = System.nanoTime();
        AtomicInteger answered = new AtomicInteger();
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            // A NOOP every 300 ms: never idle, yet the session has a hard end.
            await().atMost(Duration.ofSeconds(15)).pollDelay(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        SmtpTestClient.Reply r = c.send("NOOP").read();
                        if (r.code() == 250) {
                            answered.incrementAndGet();
                            return false;
                        }
                        assertThat(r.code()).isEqualTo(421);
                        assertThat(r.status()).isEqualTo("4.4.2");
                        return true;
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            assertThat(answered.get()).isGreaterThanOrEqualTo(3);
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void should_answer_5000_pipelined_noops_in_order() throws Exception {
        int count = 5_000;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.sendRaw("NOOP\r\n".repeat(count) + "QUIT\r\n");
            for (int i = 0; i < count; i++) {
                c.expect(250, "2.0.0");
            }
            c.expect(221, "2.0.0");
            assertThat(c.isClosedByServer()).isTrue();
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

    /** Streams {@code size} octets of 1000-octet text lines (the last one cut short unless size is a multiple of 1000). */
    private static void sendBlocks(SmtpTestClient c, long size) throws Exception {
        byte[] block = ("x".repeat(998) + "\r\n").repeat(64).getBytes(StandardCharsets.US_ASCII);
        for (long left = size; left > 0; left -= block.length) {
            c.sendRaw(left >= block.length ? block : Arrays.copyOf(block, (int) left));
        }
    }

    private static List<Path> awaitMail(String address, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.newMail(address).size() == count);
        return TestGateway.newMail(address);
    }

    private static String storedText(Path file) throws Exception {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
