package io.mailgateway.policy.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.message.MessageContent;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.Verdict;
import io.mailgateway.policy.Verdict.Action;
import io.mailgateway.policy.Verdict.Header;
import io.mailgateway.policy.limits.ManualClock;
import io.mailgateway.policy.scan.ClamdReply.Kind;
import io.mailgateway.testing.ClamdProcess;
import io.mailgateway.testing.Envelopes;
import io.mailgateway.testing.LocalDaemon;
import io.mailgateway.testing.RspamdProcess;
import io.mailgateway.testing.ScanEngines;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clients and checks against the real engines on loopback (Debian's rspamd and clamd, each
 * with a configuration of its own, see {@link ScanEngines}), messages read from spool files as
 * the gateway holds large ones.
 */
class ScanEnginesTest {

    @RegisterExtension
    static final ScanEngines ENGINES = new ScanEngines();

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScanMetrics metrics = new ScanMetrics(registry);
    private final ManualClock clock = new ManualClock();

    @Test
    void should_get_rspamds_reply_for_a_spooled_message_with_the_envelope() throws Exception {
        RspamdClient rspamd = new RspamdClient(ENGINES.rspamd().url() + "/", Duration.ofSeconds(10));
        RspamdReply scored = rspamd.check(message("X-Test-Score: 8.5\r\nSubject: hi\r\n\r\nhello\r\n"));
        assertThat(scored.score()).isEqualTo(8.5);
        assertThat(scored.symbols()).contains("GATEWAY_TEST_SCORE");
        RspamdReply gtube = rspamd.check(message("Subject: test\r\n\r\n" + RspamdProcess.GTUBE + "\r\n"));
        assertThat(gtube.action()).isEqualTo("reject");
        assertThat(gtube.symbols()).containsExactly("GTUBE");
    }

    @Test
    void should_follow_the_thresholds_and_rspamds_reject_end_to_end() throws Exception {
        SpamCheck check = spamCheck(ENGINES.rspamd().url(), FailAction.ACCEPT, 5);
        assertThat(check.onData(message("Subject: hi\r\n\r\nhello\r\n")).headers())
                .containsExactly(new Header("X-Spam-Score", "0.00"), new Header("X-Spam-Status", "No, score=0.00 required=5.00"));
        assertThat(check.onData(message("X-Test-Score: 8\r\nSubject: hi\r\n\r\nx\r\n")).action()).isEqualTo(Action.QUARANTINE);
        assertThat(check.onData(message("X-Test-Score: 12\r\nSubject: hi\r\n\r\nx\r\n")).action()).isEqualTo(Action.REJECT);
        assertThat(check.onData(message("Subject: t\r\n\r\n" + RspamdProcess.GTUBE + "\r\n")).action()).isEqualTo(Action.REJECT);
    }

    @Test
    void should_find_eicar_over_tcp_and_over_the_unix_socket() throws Exception {
        String eicarMail = "Subject: attachment\r\n\r\n" + ClamdProcess.EICAR + "\r\n";
        for (String address : List.of(ENGINES.clamd().address(), ENGINES.clamd().socket().toString())) {
            try (ClamdClient clamd = new ClamdClient(address, Duration.ofSeconds(10))) {
                assertThat(clamd.scan(stream(eicarMail))).isEqualTo(new ClamdReply(Kind.INFECTED, "Eicar-Test-Signature.UNOFFICIAL"));
                assertThat(clamd.scan(stream("Subject: hi\r\n\r\nhello\r\n")).kind()).isEqualTo(Kind.CLEAN);
                assertThat(clamd.scan(stream("")).kind()).isEqualTo(Kind.CLEAN);
            }
        }
    }

    @Test
    void should_reject_eicar_and_mark_clean_mail_scanned() throws Exception {
        try (ClamdClient clamd = new ClamdClient(ENGINES.clamd().address(), Duration.ofSeconds(10))) {
            VirusCheck check = virusCheck(clamd, 10_000_000, FailAction.TEMPFAIL, 3);
            // the signature straddles a chunk boundary: clamd sees one stream, not separate chunks
            String padding = "a".repeat(ClamdClient.CHUNK - 30) + "\r\n";
            Verdict infected = check.onData(message("Subject: x\r\n\r\n" + padding + ClamdProcess.EICAR + "\r\n"));
            assertThat(infected.action()).isEqualTo(Action.REJECT);
            assertThat(infected.reply().code()).isEqualTo(554);
            assertThat(infected.reply().status().toString()).isEqualTo("5.7.1");
            assertThat(check.onData(message("Subject: x\r\n\r\nclean\r\n")).headers())
                    .containsExactly(new Header("X-Virus-Scanned", "ClamAV (clamd) at mx.test"));
        }
        assertThat(count("virus", "infected")).isEqualTo(1);
        assertThat(count("virus", "clean")).isEqualTo(1);
    }

    @Test
    void should_skip_messages_over_the_size_limit_ours_or_clamds_without_failing() throws Exception {
        String big = "Subject: big\r\n\r\n" + "b".repeat(1_200_000) + "\r\n"; // more than clamd's StreamMaxLength 1M
        try (ClamdClient clamd = new ClamdClient(ENGINES.clamd().address(), Duration.ofSeconds(10))) {
            Verdict ours = virusCheck(clamd, 1_000_000, FailAction.TEMPFAIL, 1).onData(message(big));
            assertThat(ours.action()).isEqualTo(Action.ACCEPT);
            assertThat(ours.headers()).containsExactly(new Header("X-Virus-Scanned", "no, message larger than the scan limit"));
            VirusCheck mismatched = virusCheck(clamd, 10_000_000, FailAction.TEMPFAIL, 1);
            Verdict clamds = mismatched.onData(message(big));
            assertThat(clamds.action()).as("clamd's own limit: skipped, not an engine failure").isEqualTo(Action.ACCEPT);
            assertThat(mismatched.onData(message("Subject: x\r\n\r\n" + ClamdProcess.EICAR + "\r\n")).action())
                    .as("the breaker stayed closed").isEqualTo(Action.REJECT);
        }
        assertThat(count("virus", "skipped")).isEqualTo(2);
    }

    @Test
    void should_time_out_on_an_engine_that_never_answers_and_then_open_the_breaker() throws Exception {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread acceptor = new Thread(() -> {
                try (Socket held = silent.accept(); Socket held2 = silent.accept()) {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (IOException | InterruptedException ignored) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String address = "127.0.0.1:" + silent.getLocalPort();
            try (ClamdClient clamd = new ClamdClient(address, Duration.ofMillis(300))) {
                assertThatThrownBy(() -> clamd.scan(stream("Subject: x\r\n\r\nx\r\n"))).isInstanceOf(IOException.class)
                        .hasMessageContaining("no verdict within 300 ms");
                VirusCheck check = virusCheck(clamd, 10_000_000, FailAction.TEMPFAIL, 1);
                Verdict timedOut = check.onData(message("Subject: x\r\n\r\nx\r\n"));
                assertThat(timedOut.action()).isEqualTo(Action.TEMPFAIL);
                assertThat(timedOut.reply().code()).isEqualTo(451);
                assertThat(timedOut.reply().status().toString()).isEqualTo("4.7.1");
                Verdict open = check.onData(message("Subject: x\r\n\r\nx\r\n"));
                assertThat(open.action()).isEqualTo(Action.TEMPFAIL);
            }
            acceptor.interrupt();
        }
        assertThat(count("virus", "error")).isEqualTo(1);
        assertThat(count("virus", "breaker_open")).as("not asked once the breaker opened").isEqualTo(1);
    }

    @Test
    void should_apply_the_fail_action_when_an_engine_is_down() throws Exception {
        String dead = "127.0.0.1:" + LocalDaemon.freePort();
        Verdict spam = spamCheck("http://" + dead, FailAction.ACCEPT, 5).onData(message("Subject: x\r\n\r\nx\r\n"));
        assertThat(spam.action()).isEqualTo(Action.ACCEPT);
        assertThat(spam.headers()).containsExactly(new Header("X-Spam-Status", "Unknown, not scanned (spam scanner unavailable)"));
        Verdict spamTempfail = spamCheck("http://" + dead, FailAction.TEMPFAIL, 5).onData(message("Subject: x\r\n\r\nx\r\n"));
        assertThat(spamTempfail.reply().toString()).startsWith("451 4.7.1");
        try (ClamdClient clamd = new ClamdClient(dead, Duration.ofSeconds(5))) {
            Verdict virus = virusCheck(clamd, 10_000_000, FailAction.ACCEPT, 5).onData(message("Subject: x\r\n\r\nx\r\n"));
            assertThat(virus.action()).isEqualTo(Action.ACCEPT);
            assertThat(virus.headers()).containsExactly(new Header("X-Virus-Scanned", "no, virus scanner unavailable"));
        }
        assertThat(count("spam", "error")).isEqualTo(2);
        assertThat(count("virus", "error")).isEqualTo(1);
    }

    @Test
    void should_scan_mail_whose_envelope_is_smtputf8() throws Exception {
        // RFC 6531: an address the HTTP client cannot send as a header value
        SpamCheck check = spamCheck(ENGINES.rspamd().url(), FailAction.TEMPFAIL, 5);
        Verdict v = check.onData(message("X-Test-Score: 8\r\nSubject: hi\r\n\r\nx\r\n", "pelé@exämple.org",
                List.of("用户@example.com", "rcpt@example.com")));
        assertThat(v.action()).as("scanned, not the fail action: %s", v).isEqualTo(Action.QUARANTINE);
        assertThat(v.headers()).contains(new Header("X-Spam-Score", "8.00"));
    }

    @Test
    void should_probe_again_after_a_probe_that_ended_in_an_exception() throws Exception {
        CircuitBreaker spamBreaker = new CircuitBreaker(1, Duration.ofMinutes(1), clock);
        SpamCheck spam = new SpamCheck(true, new RspamdClient(ENGINES.rspamd().url(), Duration.ofSeconds(10)), 5, 10,
                FailAction.ACCEPT, spamBreaker, metrics);
        spamBreaker.failure();
        clock.advance(Duration.ofMinutes(2));
        Thread.currentThread().interrupt(); // the route thread interrupted (shutdown) during the probe
        assertThatThrownBy(() -> spam.onData(message("Subject: hi\r\n\r\nhello\r\n"))).isInstanceOf(InterruptedException.class);
        Thread.interrupted();
        clock.advance(Duration.ofMinutes(2));
        assertThat(spam.onData(message("Subject: hi\r\n\r\nhello\r\n")).headers()).as("scanned again, breaker %s",
                spamBreaker.state()).contains(new Header("X-Spam-Score", "0.00"));

        try (ClamdClient clamd = new ClamdClient(ENGINES.clamd().address(), Duration.ofSeconds(10))) {
            CircuitBreaker virusBreaker = new CircuitBreaker(1, Duration.ofMinutes(1), clock);
            VirusCheck virus = new VirusCheck(true, clamd, 10_000_000, FailAction.ACCEPT, virusBreaker, metrics, "mx.test");
            virusBreaker.failure();
            clock.advance(Duration.ofMinutes(2));
            EndOfData vanished = message("Subject: hi\r\n\r\nhello\r\n");
            vanished.content().release(); // its spool file is gone: the probe throws before asking clamd
            assertThatThrownBy(() -> virus.onData(vanished)).isInstanceOf(RuntimeException.class);
            clock.advance(Duration.ofMinutes(2));
            assertThat(virus.onData(message("Subject: hi\r\n\r\nhello\r\n")).headers()).as("scanned again, breaker %s",
                    virusBreaker.state()).containsExactly(new Header("X-Virus-Scanned", "ClamAV (clamd) at mx.test"));
        }
    }

    private SpamCheck spamCheck(String url, FailAction failAction, double threshold) {
        return new SpamCheck(true, new RspamdClient(url, Duration.ofSeconds(10)), threshold, 10, failAction,
                new CircuitBreaker(3, Duration.ofMinutes(1), clock), metrics);
    }

    private VirusCheck virusCheck(ClamdClient clamd, long maxSize, FailAction failAction, int breakerFailures) {
        return new VirusCheck(true, clamd, maxSize, failAction, new CircuitBreaker(breakerFailures, Duration.ofMinutes(1), clock),
                metrics, "mx.test");
    }

    private double count(String check, String result) {
        return registry.get("smtp.policy.results").tags("check", check, "result", result).counter().count();
    }

    /** A message held in a spool file, as the gateway holds one past SPOOL_THRESHOLD. */
    private EndOfData message(String text) throws IOException {
        return message(text, "sender@example.org", List.of("rcpt@example.com"));
    }

    private EndOfData message(String text, String sender, List<String> recipients) throws IOException {
        Path file = Files.createTempFile(dir, "spool", ".eml");
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        MessageContent content = MessageContent.inSpoolFile(file, Files.size(file));
        return new EndOfData("TESTQ" + text.length(), Envelopes.of(sender, List.of(), recipients),
                content, List.of());
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }
}
