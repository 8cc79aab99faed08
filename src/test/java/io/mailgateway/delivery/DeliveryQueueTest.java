package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.testing.Envelopes;
import io.mailgateway.testing.CaptureSmtpServer;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import io.mailgateway.policy.dkim.DkimResult;
import io.mailgateway.policy.dkim.DkimVerifier;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The delivery queue end to end: the shared gateway relays mail for relay.test through the broker
 * queue "delivery" to a capture SMTP server on loopback (real sockets, real broker, the retry
 * schedule 0.5 s × 2^n of {@link TestGateway}).
 */
@ExtendWith(TestGateway.class)
class DeliveryQueueTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static CaptureSmtpServer hop() {
        return TestGateway.nextHop();
    }

    private static String relayed(String prefix) {
        return TestGateway.uniqueUser(prefix + "-") + "@" + TestGateway.RELAY_DOMAIN;
    }

    private static byte[] message(String subject) {
        return ("From: a@example.org\r\nTo: b@relay.test\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject
                + "@example.org>\r\n\r\nHello.\r\n..a line starting with a dot\r\n.\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static String send(String from, List<String> to, String subject) throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            String id = c.sendMail(from, to, message(subject));
            c.send("QUIT").expect(221);
            return id;
        }
    }

    @Test
    void should_relay_a_message_for_a_relayed_domain_to_its_next_hop_and_store_local_copies() throws Exception {
        String remote = relayed("ok");
        String local = TestGateway.uniqueUser("loc") + "@example.com";
        String id = send("sender@example.org", List.of(remote, local), "relay-" + remote);

        await().atMost(WAIT).until(() -> hop().messagesFor(remote).size() == 1);
        CaptureSmtpServer.Received got = hop().messagesFor(remote).get(0);
        assertThat(got.mailFrom()).isEqualTo("sender@example.org");
        assertThat(got.recipients()).containsExactly(remote); // the local recipient is not relayed
        assertThat(got.text()).startsWith("Received: from ").contains(" id " + id)
                .contains("Subject: relay-" + remote + "\r\n").contains("\r\n.a line starting with a dot\r\n"); // dot-stuffed on both wires, unstuffed here
        await().atMost(WAIT).until(() -> TestGateway.newMail(local).size() == 1);
        await().atMost(WAIT).until(() -> DeliveryQueues.browse("delivery", id).isEmpty());
        assertThat(hop().messagesFor(remote)).hasSize(1);
        assertThat(hop().attempts(remote)).hasSize(1);
    }

    @Test
    void should_put_only_messages_with_relayed_recipients_into_the_delivery_queue() throws Exception {
        String local = TestGateway.uniqueUser("only-local") + "@example.com";
        String remote = relayed("ok");
        TestGateway.camel().getRouteController().stopRoute("delivery");
        String localId;
        String relayedId;
        try {
            localId = send("sender@example.org", List.of(local), "local-only");
            relayedId = send("sender@example.org", List.of(local, remote), "mixed");
            await().atMost(WAIT).until(() -> TestGateway.newMail(local).size() == 2);
            List<Map<String, Object>> queued = DeliveryQueues.browse("delivery", relayedId);
            assertThat(queued).hasSize(1);
            assertThat(Envelopes.relayed(queued.get(0))).containsExactly(remote);
            assertThat(DeliveryQueues.browse("delivery", localId)).isEmpty();
        } finally {
            TestGateway.camel().getRouteController().startRoute("delivery");
        }
        await().atMost(WAIT).until(() -> hop().messagesFor(remote).size() == 1);
        assertThat(hop().messagesFor(remote).get(0).recipients()).containsExactly(remote);
    }

    @Test
    void should_keep_refusing_recipients_that_are_neither_local_nor_relayed() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.send("MAIL FROM:<a@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<someone@elsewhere.test>").expect(550, "5.7.1");
            c.send("RCPT TO:<someone@sub.relay.test>").expect(550, "5.7.1");
            c.send("RCPT TO:<" + relayed("ok") + ">").expect(250, "2.1.5");
        }
    }

    @Test
    void should_retry_a_temporary_failure_with_delays_growing_by_the_backoff_multiplier() throws Exception {
        String rcpt = relayed("temp3"); // 450 three times, then 250
        String id = send("sender@example.org", List.of(rcpt), "retry-" + rcpt);

        await().atMost(WAIT).until(() -> hop().messagesFor(rcpt).size() == 1);
        List<Long> at = hop().attempts(rcpt);
        assertThat(at).hasSize(4);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < at.size(); i++) {
            gaps.add(at.get(i) - at.get(i - 1));
        }
        long initial = (long) (TestGateway.QUEUE_INITIAL_RETRY_DELAY * 1000);
        // Each wait is at least the scheduled delay: 500, 1000, 2000 ms (the schedule starts after the attempt).
        for (int i = 0; i < gaps.size(); i++) {
            assertThat(gaps.get(i)).as("gap %d of %s", i, gaps).isGreaterThanOrEqualTo((long) (initial * Math.pow(2, i)) - 5);
        }
        // ... and grows by the multiplier (2.0), within the tolerance of scheduling and attempt time.
        for (int i = 1; i < gaps.size(); i++) {
            double ratio = (double) gaps.get(i) / gaps.get(i - 1);
            assertThat(ratio).as("gaps %s", gaps).isBetween(1.35, 2.65);
        }
        assertThat(hop().messagesFor(rcpt).get(0).text()).contains(" id " + id);
        await().atMost(WAIT).until(() -> DeliveryQueues.browse("delivery", id).isEmpty());
        assertThat(hop().messagesFor(rcpt)).hasSize(1);
    }

    @Test
    void should_dkim_sign_mail_of_a_signing_domain_once_even_across_a_retry() throws Exception {
        String rcpt = relayed("temp1"); // 450 once, then 250: the retry's copy must not be signed again
        byte[] message = ("From: Alice <alice@" + TestGateway.SIGNED_DOMAIN + ">\r\nTo: " + rcpt + "\r\nSubject: signed "
                + rcpt + "\r\nDate: Sun, 29 Nov 2026 06:00:00 +0000\r\nMessage-ID: <" + rcpt + ">\r\n\r\nSigned on the way out.\r\n.\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        // Signed only when submitted by an authenticated user (or written by the gateway itself)
        String alice = "alice." + rcpt.substring(0, rcpt.indexOf('@')) + "@" + TestGateway.SIGNED_DOMAIN;
        String password = "dkim test password";
        new io.mailgateway.auth.UserStore(TestGateway.camel().getRegistry()
                .lookupByNameAndType("gatewayDatabase", io.mailgateway.store.sql.GatewayDatabase.class).dataSource(),
                java.time.Clock.systemUTC()).add(alice, new io.mailgateway.auth.PasswordHasher().hash(password));
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.gateway().submissionPort())) {
            c.send("STARTTLS").expect(220, "2.0.0");
            c.startTls();
            c.send("EHLO client.test").expect(250);
            c.send("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(("\0" + alice + "\0" + password)
                    .getBytes(StandardCharsets.UTF_8))).expect(235, "2.7.0");
            c.sendMail(alice, List.of(rcpt), message);
        }
        String unsigned = relayed("plain");
        send("sender@example.org", List.of(unsigned), "unsigned-" + unsigned);
        // and a forged From: of the signing domain from the Internet, unauthenticated: not signed
        String forged = relayed("forged");
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            c.sendMail("a@evil.test", List.of(forged), ("From: CEO <ceo@" + TestGateway.SIGNED_DOMAIN + ">\r\nSubject: "
                    + forged + "\r\n\r\nPlease wire the money.\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
        }

        await().atMost(WAIT).until(() -> hop().messagesFor(rcpt).size() == 1 && hop().messagesFor(unsigned).size() == 1
                && hop().messagesFor(forged).size() == 1);
        assertThat(hop().messagesFor(forged).get(0).text()).doesNotContain("DKIM-Signature:");
        assertThat(hop().attempts(rcpt)).hasSize(2);
        String relayedText = hop().messagesFor(rcpt).get(0).text();
        assertThat(relayedText.split("DKIM-Signature:", -1)).as("exactly one signature").hasSize(2);
        assertThat(relayedText).startsWith("DKIM-Signature: ").contains("d=" + TestGateway.SIGNED_DOMAIN)
                .contains("s=" + TestGateway.DKIM_SELECTOR);
        // The gateway's own verifier, fetching the key from DNS like any receiver would
        DkimVerifier verifier = TestGateway.camel().getRegistry().lookupByNameAndType("dkimVerifier", DkimVerifier.class);
        List<DkimResult> results = verifier.verify(new java.io.ByteArrayInputStream(relayedText.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(results).extracting(DkimResult::result).containsExactly(DkimResult.Result.PASS);
        assertThat(hop().messagesFor(unsigned).get(0).text()).doesNotContain("DKIM-Signature:");
    }

    @Test
    void should_retry_only_the_recipients_that_failed() throws Exception {
        String ok = relayed("ok");
        String busy = relayed("temp1"); // 450 once, then 250
        send("sender@example.org", List.of(ok, busy), "partial-" + ok);

        await().atMost(WAIT).until(() -> hop().messagesFor(busy).size() == 1);
        assertThat(hop().attempts(busy)).hasSize(2);
        assertThat(hop().messagesFor(busy).get(0).recipients()).containsExactly(busy);
        assertThat(hop().messagesFor(ok)).hasSize(1);
        assertThat(hop().attempts(ok)).as("the recipient that got 250 is not tried again").hasSize(1);
    }

    @Test
    void should_send_one_transaction_per_next_hop_and_retry_only_the_failed_hop_recipient() throws Exception {
        String a1 = relayed("ok");
        String a2 = relayed("ok");
        String b = TestGateway.uniqueUser("temp1-") + "@" + TestGateway.RELAY_DOMAIN_2;
        String c = TestGateway.uniqueUser("ok-") + "@" + TestGateway.RELAY_DOMAIN_2;
        send("sender@example.org", List.of(a1, b, a2, c), "hops-" + a1);

        await().atMost(WAIT).until(() -> TestGateway.nextHop2().messagesFor(b).size() == 1);
        // relay.test's two recipients went in one transaction to its hop, relay2.test's to the other.
        assertThat(hop().messagesFor(a1)).hasSize(1);
        assertThat(hop().messagesFor(a1).get(0).recipients()).containsExactly(a1, a2);
        assertThat(TestGateway.nextHop2().messagesFor(c)).hasSize(1);
        assertThat(TestGateway.nextHop2().messagesFor(c).get(0).recipients()).containsExactly(c);
        assertThat(TestGateway.nextHop2().messagesFor(b).get(0).recipients()).containsExactly(b);
        assertThat(TestGateway.nextHop2().attempts(b)).hasSize(2);
        assertThat(TestGateway.nextHop2().attempts(c)).hasSize(1);
        assertThat(hop().attempts(a1)).hasSize(1);
    }

    @Test
    void should_bounce_a_permanent_failure_with_an_rfc3464_dsn_to_the_local_sender() throws Exception {
        String sender = TestGateway.uniqueUser("snd") + "@example.com";
        String rcpt = relayed("perm");
        String id = send(sender, List.of(rcpt), "bounce-" + rcpt);

        await().atMost(WAIT).until(() -> TestGateway.newMail(sender).size() == 1);
        byte[] stored = Files.readAllBytes(TestGateway.newMail(sender).get(0));
        assertThat(new String(stored, StandardCharsets.US_ASCII)).startsWith("Return-Path: <>\r\n");
        Dsn dsn = Dsn.parse(stored);
        assertThat(dsn.message.getFrom()[0].toString()).isEqualTo("Mail Delivery System <MAILER-DAEMON@mx.test.local>");
        assertThat(dsn.message.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(dsn.perMessage.getHeader("Reporting-MTA", null)).isEqualTo("dns; mx.test.local");
        assertThat(dsn.perMessage.getHeader("Arrival-Date", null)).isNotBlank();
        assertThat(dsn.recipients).hasSize(1);
        InternetHeaders r = dsn.recipients.get(0);
        assertThat(r.getHeader("Final-Recipient", null)).isEqualTo("rfc822; " + rcpt);
        assertThat(r.getHeader("Action", null)).isEqualTo("failed");
        assertThat(r.getHeader("Status", null)).isEqualTo("5.1.1");
        assertThat(r.getHeader("Remote-MTA", null)).isEqualTo("dns; 127.0.0.1");
        assertThat(r.getHeader("Diagnostic-Code", null)).startsWith("smtp; 550 5.1.1");
        assertThat(dsn.originalHeaders).contains("Subject: bounce-" + rcpt).contains(" id " + id).doesNotContain("Hello.");

        List<Map<String, Object>> dead = DeliveryQueues.browse("delivery.dlq", id);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).get(MailHeaders.DLQ_REASON)).isEqualTo("permanent failure");
        assertThat((String) dead.get(0).get(MailHeaders.LAST_ERROR)).startsWith(rcpt + ": 550 5.1.1");
        assertThat(hop().attempts(rcpt)).as("a 5xx is never retried").hasSize(1);
    }

    @Test
    void should_send_the_bounce_of_a_remote_sender_through_the_delivery_queue_from_the_null_sender() throws Exception {
        String sender = relayed("ok-sender");
        String rcpt = relayed("perm");
        send(sender, List.of(rcpt), "remote-bounce-" + rcpt);

        await().atMost(WAIT).until(() -> hop().messagesFor(sender).size() == 1);
        CaptureSmtpServer.Received bounce = hop().messagesFor(sender).get(0);
        assertThat(bounce.mailFrom()).isEmpty();
        Dsn dsn = Dsn.parse(bounce.data());
        assertThat(dsn.recipients.get(0).getHeader("Final-Recipient", null)).isEqualTo("rfc822; " + rcpt);
    }

    @Test
    void should_never_bounce_a_message_from_the_null_sender() throws Exception {
        String rcpt = relayed("perm");
        String id = send("", List.of(rcpt), "null-sender-" + rcpt);

        await().atMost(WAIT).until(() -> !DeliveryQueues.browse("delivery.dlq", id).isEmpty());
        Map<String, Object> dead = DeliveryQueues.browse("delivery.dlq", id).get(0);
        assertThat((String) dead.get(MailHeaders.DLQ_REASON)).isEqualTo("permanent failure; null sender, no bounce");
        assertThat(Envelopes.read(dead).sender().isNull()).isTrue();
        // No DSN went anywhere: the next hop saw only the one attempt, and no message names the original.
        assertThat(hop().attempts(rcpt)).hasSize(1);
        assertThat(hop().messages()).noneMatch(m -> m.text().contains(" id " + id));
        assertThat(DeliveryQueues.browse("delivery", id)).isEmpty();
    }

    @Test
    void should_warn_the_sender_once_and_then_bounce_a_recipient_still_failing_after_the_maximum_age() throws Exception {
        String sender = TestGateway.uniqueUser("snd") + "@example.com";
        String rcpt = relayed("down"); // always 451
        long sent = System.currentTimeMillis();
        String id = send(sender, List.of(rcpt), "expire-" + rcpt);

        await().atMost(WAIT).until(() -> TestGateway.newMail(sender).size() == 2);
        // one delay warning, one failure report, and nothing more arrives
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> TestGateway.newMail(sender).size() == 2);
        Dsn warning = Dsn.parse(Files.readAllBytes(TestGateway.newMail(sender).get(0)));
        Dsn dsn = Dsn.parse(Files.readAllBytes(TestGateway.newMail(sender).get(1)));
        if ("failed".equals(warning.recipients.get(0).getHeader("Action", null))) {
            Dsn t = warning;
            warning = dsn;
            dsn = t;
        }
        // QUEUE_DELAY_WARNING=1s: the attempt at about 1.5 s warns (RFC 3464 2.3.3 "delayed").
        InternetHeaders w = warning.recipients.get(0);
        assertThat(w.getHeader("Action", null)).isEqualTo("delayed");
        assertThat(w.getHeader("Status", null)).isEqualTo("4.3.2");
        assertThat(w.getHeader("Will-Retry-Until", null)).isNotBlank();
        assertThat(warning.message.getSubject()).isEqualTo("Delayed Mail (still being retried)");
        InternetHeaders r = dsn.recipients.get(0);
        assertThat(r.getHeader("Action", null)).isEqualTo("failed");
        assertThat(r.getHeader("Status", null)).isEqualTo("4.3.2");
        assertThat(r.getHeader("Diagnostic-Code", null)).startsWith("smtp; 451 4.3.2");
        assertThat(dsn.human).contains("expired");
        List<Long> at = hop().attempts(rcpt);
        // 0, 0.5, 1.5, 3.5 s: under 4 s, retried; the attempt at about 7.5 s is past QUEUE_MAX_AGE.
        assertThat(at).hasSizeGreaterThanOrEqualTo(5);
        assertThat(at.get(at.size() - 1) - sent).isGreaterThanOrEqualTo(TestGateway.QUEUE_MAX_AGE_SECONDS * 1000L);
        assertThat(at.get(at.size() - 2) - sent).isLessThan(TestGateway.QUEUE_MAX_AGE_SECONDS * 1000L + 1000);
        assertThat(DeliveryQueues.browse("delivery.dlq", id).get(0).get(MailHeaders.DLQ_REASON)).isEqualTo("expired: still undeliverable after 4s");

        // The operator requeues it: a fresh queue lifetime, so its next 451 is retried. (It came
        // back expired: straight to delivery.dlq again, and a second failure report.)
        int attemptsBefore = hop().attempts(rcpt).size();
        io.mailgateway.testing.CliRun requeue = io.mailgateway.testing.CliRun.run("queue", "dlq", "requeue", id);
        assertThat(requeue.status()).as(requeue.err()).isZero();
        await().atMost(WAIT).until(() -> hop().attempts(rcpt).size() >= attemptsBefore + 2); // refused, then retried
        assertThat(TestGateway.newMail(sender)).as("no second failure report").hasSize(2);
        assertThat(DeliveryQueues.browse("delivery.dlq", id)).isEmpty();
    }

    @Test
    void should_relay_a_large_message_unchanged_through_a_retry() throws Exception {
        String rcpt = relayed("temp1-big"); // 450 once: the large body goes back to the broker once
        StringBuilder body = new StringBuilder("Subject: big-" + rcpt + "\r\n\r\n");
        for (int i = 0; body.length() < 1_000_000; i++) {
            body.append(i % 50 == 0 ? "." : "").append("line ").append(i).append(" of a large message, to be relayed unchanged\r\n");
        }
        String original = body.toString();
        String stuffed = original.replace("\r\n.", "\r\n..") + ".\r\n";
        String id;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            id = c.sendMail("sender@example.org", List.of(rcpt), stuffed.getBytes(StandardCharsets.US_ASCII));
        }
        await().atMost(WAIT).until(() -> hop().messagesFor(rcpt).size() == 1);
        String got = hop().messagesFor(rcpt).get(0).text();
        assertThat(got).contains(" id " + id);
        assertThat(got.substring(got.indexOf("Subject: big-"))).isEqualTo(original);
        assertThat(hop().attempts(rcpt)).hasSize(2);
        // The body was held in a spool file during each attempt (bounded memory), and removed after.
        await().atMost(WAIT).until(() -> DeliveryQueues.browse("delivery", id).isEmpty());
        try (var spooled = Files.list(TestGateway.dataDir().resolve("spool"))) {
            assertThat(spooled.map(Path::getFileName).map(Path::toString)).noneMatch(n -> n.startsWith("delivery-" + id));
        }
    }

    @Test
    void should_bounce_a_temporary_failure_at_the_last_allowed_attempt() throws Exception {
        // A message that has already used all but one of its attempts, as the broker would hold it.
        String sender = TestGateway.uniqueUser("snd") + "@example.com";
        String rcpt = relayed("down"); // always 451
        String id = io.mailgateway.message.QueueIds.next();
        Map<String, Object> headers = new java.util.HashMap<>();
        headers.put(MailHeaders.QUEUE_ID, id);
        headers.putAll(Envelopes.headers(sender, List.of(rcpt), List.of()));
        headers.put(MailHeaders.ATTEMPTS, TestGateway.QUEUE_MAX_RETRIES); // the first attempt and all retries but one
        headers.put(MailHeaders.RECEIVED_AT, System.currentTimeMillis());
        headers.put(MailHeaders.LAST_ERROR, rcpt + ": 451 4.3.2 earlier");
        TestGateway.camel().createProducerTemplate().sendBodyAndHeaders("jms:queue:delivery?deliveryPersistent=true",
                ("Subject: last-" + rcpt + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII), headers);

        await().atMost(WAIT).until(() -> TestGateway.newMail(sender).size() == 1);
        Dsn dsn = Dsn.parse(Files.readAllBytes(TestGateway.newMail(sender).get(0)));
        assertThat(dsn.recipients.get(0).getHeader("Final-Recipient", null)).isEqualTo("rfc822; " + rcpt);
        assertThat(dsn.recipients.get(0).getHeader("Status", null)).isEqualTo("4.3.2");
        assertThat(dsn.human).contains("retries exhausted after " + (TestGateway.QUEUE_MAX_RETRIES + 1) + " attempts");
        assertThat(hop().attempts(rcpt)).hasSize(1);
        assertThat(DeliveryQueues.browse("delivery.dlq", id).get(0).get(MailHeaders.DLQ_REASON))
                .isEqualTo("retries exhausted after " + (TestGateway.QUEUE_MAX_RETRIES + 1) + " attempts");
    }

    /** A DSN read with Angus Mail: the three parts of RFC 3464 / RFC 6522. */
    static final class Dsn {
        MimeMessage message;
        String human;
        InternetHeaders perMessage;
        List<InternetHeaders> recipients = new ArrayList<>();
        String originalHeaders;

        static Dsn parse(byte[] bytes) throws Exception {
            Dsn d = new Dsn();
            d.message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
            ContentType type = new ContentType(d.message.getContentType());
            assertThat(type.getBaseType()).isEqualTo("multipart/report");
            assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");
            MimeMultipart parts = (MimeMultipart) d.message.getContent();
            assertThat(parts.getCount()).isEqualTo(3);
            assertThat(new ContentType(parts.getBodyPart(0).getContentType()).getBaseType()).isEqualTo("text/plain");
            d.human = (String) parts.getBodyPart(0).getContent();
            BodyPart status = parts.getBodyPart(1);
            assertThat(new ContentType(status.getContentType()).getBaseType()).isEqualTo("message/delivery-status");
            String fields;
            try (InputStream in = status.getInputStream()) {
                fields = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            // RFC 3464 2.1: the per-message fields, then one block per recipient, blank lines between.
            String[] blocks = fields.split("\r\n\r\n");
            d.perMessage = new InternetHeaders(new ByteArrayInputStream((blocks[0] + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            for (int i = 1; i < blocks.length; i++) {
                if (!blocks[i].isBlank()) {
                    d.recipients.add(new InternetHeaders(new ByteArrayInputStream((blocks[i] + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII))));
                }
            }
            BodyPart original = parts.getBodyPart(2);
            assertThat(new ContentType(original.getContentType()).getBaseType()).isEqualTo("text/rfc822-headers");
            try (InputStream in = original.getInputStream()) {
                d.originalHeaders = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            return d;
        }
    }
}
