package io.mailgateway.policy.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.policy.PolicyMetrics;
import io.mailgateway.policy.dkim.DkimResult;
import io.mailgateway.policy.dkim.DkimVerify;
import io.mailgateway.policy.dmarc.DmarcCheck;
import io.mailgateway.policy.dmarc.DmarcEvaluator;
import io.mailgateway.policy.dns.DnsResolver;
import io.mailgateway.policy.spf.SpfCheck;
import io.mailgateway.store.sql.SqlTestRows;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

/**
 * SPF, DKIM and DMARC steps of routes/inbound.camel.yaml end to end: SMTP in, the policy
 * records served by a real DNS server on loopback (TestGateway's DNS_SERVERS), the Maildir
 * files and SQL rows out. Every test uses sender domains of its own (answers are cached).
 */
@ExtendWith(TestGateway.class)
class MailAuthenticationTest {

    private static final AtomicInteger ROUTES = new AtomicInteger();

    private static String domain(String prefix) {
        return TestGateway.uniqueUser(prefix) + ".test";
    }

    private static void txt(String name, String value) {
        TestGateway.dns().add(new TXTRecord(Name.fromConstantString(name + "."), DClass.IN, 300, value));
    }

    /** SPF for the domain: the test client (127.0.0.1) passes or fails; and a DMARC record. */
    private static void publish(String domain, boolean spfPasses, String dmarc) {
        txt(domain, spfPasses ? "v=spf1 ip4:127.0.0.1 -all" : "v=spf1 -all");
        if (dmarc != null) {
            txt("_dmarc." + domain, dmarc);
        }
    }

    private static byte[] message(String fromDomain, String extraHeaders, String body) {
        String m = "From: Sender <s@" + fromDomain + ">\r\n" + extraHeaders + "Subject: auth test\r\n\r\n" + body;
        return m.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] data(byte[] message) {
        return new String(message, StandardCharsets.ISO_8859_1).replace("\r\n.", "\r\n..").concat(".\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One transaction; returns the reply to the end of data. */
    private static SmtpTestClient.Reply transaction(SmtpTestClient c, String from, String rcpt, byte[] message) throws IOException {
        c.send("MAIL FROM:<" + from + ">").expect(250, "2.1.0");
        c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
        c.send("DATA").expect(354);
        c.sendRaw(data(message));
        return c.read();
    }

    private static SmtpTestClient.Reply send(int port, String from, String rcpt, byte[] message) throws IOException {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            return transaction(c, from, rcpt, message);
        }
    }

    private static String awaitMaildir(String rcpt) throws IOException {
        await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.newMail(rcpt).size() == 1);
        return Files.readString(TestGateway.newMail(rcpt).get(0), StandardCharsets.ISO_8859_1);
    }

    private static Path junk(String rcpt) {
        int at = rcpt.indexOf('@');
        return TestGateway.maildir().resolve(rcpt.substring(at + 1)).resolve(rcpt.substring(0, at)).resolve(".Junk");
    }

    /** Files in the Maildir++ Junk folder of a mailbox ({@code user@domain}); empty when none. Also used by CustomCheckTest. */
    static List<Path> junkMail(String rcpt) throws IOException {
        Path dir = junk(rcpt).resolve("new");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void should_pass_dkim_and_dmarc_by_dkim_alignment_for_mail_signed_by_the_gateways_own_signer() throws Exception {
        // The real verifier against the real signer: d=signed.test (the parent of the From domain),
        // key published in DNS by TestGateway; SPF fails, so DMARC passes by DKIM alignment only.
        String d = TestGateway.uniqueUser("sub") + "." + TestGateway.SIGNED_DOMAIN;
        publish(d, false, "v=DMARC1; p=reject; adkim=r");
        String rcpt = TestGateway.uniqueUser("dkimreal") + "@example.com";
        Exchange sign = new DefaultExchange(TestGateway.camel());
        sign.getIn().setBody(message(d, "To: " + rcpt + "\r\nDate: Sun, 29 Nov 2026 06:00:00 +0000\r\n", "Signed, then checked.\r\n"));
        io.mailgateway.testing.Envelopes.submittedHeaders("s@" + d, java.util.List.of(rcpt)).forEach(sign.getIn()::setHeader);
        TestGateway.camel().getRegistry().lookupByNameAndType("dkimSign", Processor.class).process(sign);
        byte[] signed = sign.getIn().getBody(byte[].class);
        assertThat(new String(signed, StandardCharsets.ISO_8859_1)).startsWith("DKIM-Signature: ");

        assertThat(send(TestGateway.port(), "s@" + d, rcpt, signed).code()).isEqualTo(250);
        String stored = awaitMaildir(rcpt);
        assertThat(stored).contains("dkim=pass header.d=" + TestGateway.SIGNED_DOMAIN).contains("spf=fail")
                .contains("dmarc=pass");

        // One changed body octet: the signature fails, DMARC fails, p=reject refuses it.
        byte[] tampered = new String(signed, StandardCharsets.ISO_8859_1).replace("Signed, then checked.", "Signed, then chocked.")
                .getBytes(StandardCharsets.ISO_8859_1);
        String rcpt2 = TestGateway.uniqueUser("dkimbad") + "@example.com";
        SmtpTestClient.Reply reply = send(TestGateway.port(), "s@" + d, rcpt2, tampered);
        assertThat(reply.code()).isEqualTo(550);
        assertThat(reply.status()).isEqualTo("5.7.1");
    }

    @Test
    void should_pass_and_record_authentication_results_in_the_maildir_file_and_the_sql_row() throws Exception {
        String d = domain("pass");
        publish(d, true, "v=DMARC1; p=reject");
        String rcpt = TestGateway.uniqueUser("authpass") + "@example.com";
        SmtpTestClient.Reply reply = send(TestGateway.port(), "bounce@" + d, rcpt, message(d, "", "hello\r\n"));
        assertThat(reply.code()).as("reply %s", reply).isEqualTo(250);
        String id = SmtpTestClient.queueId(reply);

        String ar = "mx.test.local; spf=pass smtp.mailfrom=" + d + "; dkim=none; dmarc=pass (p=reject dis=none) header.from=" + d;
        String stored = awaitMaildir(rcpt);
        assertThat(stored).contains("\r\nAuthentication-Results: mx.test.local;\r\n\tspf=pass smtp.mailfrom=" + d
                + ";\r\n\tdkim=none;\r\n\tdmarc=pass (p=reject dis=none) header.from=" + d + "\r\nFrom: Sender <s@" + d + ">\r\n");
        assertThat(stored.indexOf("Received: ")).as("our Received on top, A-R below it").isLessThan(stored.indexOf("Authentication-Results:"));
        Map<String, Object> row = SqlTestRows.await(TestGateway.sqlDataSource(), id);
        assertThat(row.get("auth_results")).isEqualTo(ar);
        assertThat(((Number) row.get("quarantined")).intValue()).isZero();
    }

    @Test
    void should_refuse_with_550_5_7_1_and_store_nothing_when_spf_fails_and_dmarc_says_reject() throws Exception {
        String bad = domain("reject");
        String good = domain("after");
        publish(bad, false, "v=DMARC1; p=reject");
        publish(good, true, null);
        String rcpt = TestGateway.uniqueUser("authreject") + "@example.com";
        String id;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            SmtpTestClient.Reply refused = transaction(c, "s@" + bad, rcpt, message(bad, "", "spoofed\r\n"));
            assertThat(refused.code()).as("reply %s", refused).isEqualTo(550);
            assertThat(refused.status()).isEqualTo("5.7.1");
            // the session goes on: the next message in it is accepted
            SmtpTestClient.Reply accepted = transaction(c, "s@" + good, rcpt, message(good, "", "fine\r\n"));
            assertThat(accepted.code()).as("reply %s", accepted).isEqualTo(250);
            id = SmtpTestClient.queueId(accepted);
        }
        // the refused message was never queued: once the later one is stored, it is all there is
        assertThat(awaitMaildir(rcpt)).contains("From: Sender <s@" + good + ">");
        SqlTestRows.await(TestGateway.sqlDataSource(), id);
        assertThat(SqlTestRows.count(TestGateway.sqlDataSource(), "SELECT COUNT(*) FROM messages WHERE sender = 's@" + bad + "'")).isZero();
        assertThat(junkMail(rcpt)).isEmpty();
    }

    @Test
    void should_store_a_quarantined_message_flagged_in_the_junk_folder_and_the_sql_row() throws Exception {
        String d = domain("quarantine");
        publish(d, false, "v=DMARC1; p=quarantine");
        String rcpt = TestGateway.uniqueUser("authquarantine") + "@example.com";
        SmtpTestClient.Reply reply = send(TestGateway.port(), "s@" + d, rcpt, message(d, "", "suspicious\r\n"));
        assertThat(reply.code()).as("reply %s", reply).isEqualTo(250);
        String id = SmtpTestClient.queueId(reply);

        Map<String, Object> row = SqlTestRows.await(TestGateway.sqlDataSource(), id);
        assertThat(((Number) row.get("quarantined")).intValue()).isEqualTo(1);
        assertThat((String) row.get("auth_results")).contains("spf=fail smtp.mailfrom=" + d)
                .endsWith("dmarc=fail (p=quarantine dis=quarantine) header.from=" + d);
        await().atMost(Duration.ofSeconds(20)).until(() -> junkMail(rcpt).size() == 1);
        assertThat(Files.readString(junkMail(rcpt).get(0))).contains("dmarc=fail (p=quarantine dis=quarantine)");
        assertThat(Files.exists(junk(rcpt).resolve("maildirfolder"))).as("Maildir++ folder marker").isTrue();
        assertThat(TestGateway.newMail(rcpt)).as("not in the inbox").isEmpty();
    }

    @Test
    void should_remove_incoming_authentication_results_that_claim_our_name_and_keep_the_body_intact() throws Exception {
        String d = domain("forged");
        publish(d, true, null);
        String rcpt = TestGateway.uniqueUser("authforged") + "@example.com";
        String others = "Authentication-Results: relay.example.net; spf=pass smtp.mailfrom=" + d + "\r\n";
        String forged1 = "Authentication-Results: mx.test.local; dmarc=pass header.from=bank.test\r\n";
        String forged2 = "authentication-results: (looks fine) MX.Test.Local 1;\r\n\tdkim=pass header.d=bank.test\r\n";
        StringBuilder body = new StringBuilder();
        while (body.length() < 100_000) { // past SPOOL_THRESHOLD: the body comes from a spool file
            body.append("line ").append(body.length()).append(" of a body that must arrive unchanged\r\n");
        }
        byte[] sent = message(d, forged1 + others + forged2, body.toString());
        SmtpTestClient.Reply reply = send(TestGateway.port(), "s@" + d, rcpt, sent);
        assertThat(reply.code()).as("reply %s", reply).isEqualTo(250);

        String stored = awaitMaildir(rcpt);
        String expected = new String(message(d, others, body.toString()), StandardCharsets.ISO_8859_1);
        assertThat(stored).endsWith("header.from=" + d + "\r\n" + expected);
        assertThat(stored.toLowerCase().split("authentication-results: \\(looks fine\\)", -1)).hasSize(1);
        assertThat(stored.split("Authentication-Results: mx.test.local;", -1)).as("only ours").hasSize(2);
    }

    @Test
    void should_refuse_a_message_with_several_from_mailboxes() throws Exception {
        String d = domain("multi");
        publish(d, true, "v=DMARC1; p=none");
        String rcpt = TestGateway.uniqueUser("authmulti") + "@example.com";
        byte[] twoAuthors = ("From: a@" + d + ", boss@bank.test\r\nSubject: who?\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII);
        SmtpTestClient.Reply reply = send(TestGateway.port(), "s@" + d, rcpt, twoAuthors);
        assertThat(reply.code()).isEqualTo(550);
        assertThat(reply.status()).isEqualTo("5.7.1");
    }

    @Test
    void should_accept_with_dmarc_temperror_when_the_policy_lookup_times_out() throws Exception {
        String d = domain("slow");
        publish(d, false, null);
        TestGateway.dns().timeout(Name.fromConstantString("_dmarc." + d + "."));
        String rcpt = TestGateway.uniqueUser("authslow") + "@example.com";
        SmtpTestClient.Reply reply = send(TestGateway.port(), "s@" + d, rcpt, message(d, "", "x\r\n"));
        assertThat(reply.code()).as("reply %s", reply).isEqualTo(250);
        assertThat(awaitMaildir(rcpt)).contains("\tdmarc=temperror header.from=" + d + "\r\n");
        assertThat(TestGateway.dns().queries("_dmarc." + d)).isPositive();
    }

    /** The spoofer's own zone answers SERVFAIL: its SPF temperror cannot align with the From domain, so p=reject holds. */
    @Test
    void should_refuse_a_spoof_of_a_reject_domain_whose_sender_domain_servfails() throws Exception {
        String victim = domain("victim");
        publish(victim, false, "v=DMARC1; p=reject");
        String evil = domain("evil");
        TestGateway.dns().servfail(Name.fromConstantString(evil + "."));
        SmtpTestClient.Reply reply = send(TestGateway.port(), "x@" + evil, TestGateway.uniqueUser("authspoof") + "@example.com",
                message(victim, "", "pay this\r\n"));
        assertThat(reply.code()).as("reply %s", reply).isEqualTo(550);
    }

    /** The spoofer's zone answers late and uses up the message's DNS time: the From domain's policy still gets looked up. */
    @Test
    void should_refuse_a_spoof_of_a_reject_domain_whose_sender_domain_answers_slowly() throws Exception {
        String victim = domain("victim");
        publish(victim, false, "v=DMARC1; p=reject");
        String evil = domain("slowevil");
        txt(evil, "v=spf1 -all");
        Duration wait = TestGateway.camel().getRegistry().lookupByNameAndType("dnsResolver",
                io.mailgateway.policy.dns.DnsjavaResolver.class).policyWait();
        TestGateway.dns().delay(Name.fromConstantString(evil + "."), wait.plusMillis(500));
        SmtpTestClient.Reply reply = send(TestGateway.port(), "x@" + evil, TestGateway.uniqueUser("authslow") + "@example.com",
                message(victim, "", "pay this\r\n"));
        assertThat(reply.code()).as("reply %s (the victim's policy queried %s times)", reply,
                TestGateway.dns().queries("_dmarc." + victim)).isEqualTo(550);
    }

    @Test
    void should_tell_the_client_451_4_4_3_on_temperror_when_configured_to_tempfail() throws Exception {
        String d = domain("tempfail");
        publish(d, false, null);
        TestGateway.dns().timeout(Name.fromConstantString("_dmarc." + d + "."));
        int port = listener(spf(true), dkim(false, null), dmarc(true, true), authResults());
        SmtpTestClient.Reply reply = send(port, "s@" + d, TestGateway.uniqueUser("authtempfail") + "@example.com", message(d, "", "x\r\n"));
        assertThat(reply.code()).as("reply %s", reply).isEqualTo(451);
        assertThat(reply.status()).isEqualTo("4.4.3");
    }

    @Test
    void should_leave_out_the_results_of_switched_off_checks() throws Exception {
        String d = domain("switch");
        publish(d, false, "v=DMARC1; p=none");
        String rcpt = TestGateway.uniqueUser("authswitch") + "@example.com";
        int port = listener(spf(false), dkim(false, null), dmarc(true, false), authResults());
        assertThat(send(port, "s@" + d, rcpt, message(d, "", "x\r\n")).code()).isEqualTo(250);
        String stored = awaitMaildir(rcpt);
        assertThat(stored).contains("Authentication-Results: mx.test.local;\r\n\tdmarc=fail (p=none dis=none) header.from=" + d + "\r\n");
        assertThat(stored).doesNotContain("spf=").doesNotContain("dkim=");
        assertThat(TestGateway.dns().queries(d)).as("no SPF lookup").isZero();
    }

    @Test
    void should_add_no_header_with_every_check_off_but_still_remove_forgeries() throws Exception {
        String d = domain("alloff");
        String rcpt = TestGateway.uniqueUser("authoff") + "@example.com";
        int port = listener(spf(false), dkim(false, null), dmarc(false, false), authResults());
        String forged = "Authentication-Results: mx.test.local; dmarc=pass header.from=" + d + "\r\n";
        assertThat(send(port, "s@" + d, rcpt, message(d, forged, "x\r\n")).code()).isEqualTo(250);
        String stored = awaitMaildir(rcpt);
        assertThat(stored).doesNotContain("Authentication-Results").contains("From: Sender <s@" + d + ">\r\nSubject: auth test\r\n\r\nx\r\n");
        assertThat(TestGateway.dns().queries("_dmarc." + d)).isZero();
    }

    @Test
    void should_pass_dmarc_on_an_aligned_dkim_signature_when_spf_fails() throws Exception {
        String d = domain("dkim");
        publish(d, false, "v=DMARC1; p=reject; adkim=s");
        String rcpt = TestGateway.uniqueUser("authdkim") + "@example.com";
        TestOnlyFixedDkimVerifier verifier = new TestOnlyFixedDkimVerifier(List.of(
                new DkimResult("esp.example.net", "s1", DkimResult.Result.FAIL, "body hash mismatch"),
                new DkimResult(d, "sel", DkimResult.Result.PASS, null)));
        int port = listener(spf(true), dkim(true, verifier), dmarc(true, false), authResults());
        assertThat(send(port, "s@" + d, rcpt, message(d, "", "x\r\n")).code()).isEqualTo(250);
        assertThat(awaitMaildir(rcpt)).contains("Authentication-Results: mx.test.local;\r\n\tspf=fail smtp.mailfrom=" + d
                + ";\r\n\tdkim=fail header.d=esp.example.net header.s=s1;\r\n\tdkim=pass header.d=" + d + " header.s=sel;\r\n\tdmarc=pass (p=reject dis=none) header.from=" + d + "\r\n");
    }

    @Test
    void should_count_results_on_the_metrics_endpoint() throws Exception {
        String d = domain("metrics");
        publish(d, false, "v=DMARC1; p=reject");
        send(TestGateway.port(), "s@" + d, TestGateway.uniqueUser("authmetrics") + "@example.com", message(d, "", "x\r\n"));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + TestGateway.gateway().metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).containsPattern("smtp_policy_results_total\\{check=\"spf\",result=\"fail\"} [1-9]")
                .containsPattern("smtp_policy_results_total\\{check=\"dmarc\",result=\"fail\"} [1-9]")
                .containsPattern("smtp_policy_results_total\\{check=\"dmarc_policy\",result=\"reject\"} [1-9]");
    }

    // ---- a second listener with steps built here, feeding the same broker and stores ----

    private static PolicyMetrics metrics() {
        return new PolicyMetrics(TestGateway.camel().getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class));
    }

    private static Processor spf(boolean on) {
        return new CheckStep("spfCheck", new SpfCheck(on, new io.mailgateway.policy.spf.SpfEvaluator(resolver(), "mx.test.local"), metrics()));
    }

    private static Processor dkim(boolean on, TestOnlyFixedDkimVerifier verifier) {
        return new CheckStep("dkimVerify", new DkimVerify(on, metrics(), verifier));
    }

    private static Processor dmarc(boolean on, boolean tempfail) {
        return new CheckStep("dmarcCheck", new DmarcCheck(on, new DmarcEvaluator(resolver(), Map.of()), tempfail, metrics()));
    }

    private static Processor authResults() {
        return new AuthenticationResults("mx.test.local");
    }

    private static DnsResolver resolver() {
        return TestGateway.camel().getRegistry().lookupByNameAndType("dnsResolver", DnsResolver.class);
    }

    private static int listener(Processor first, Processor second, Processor dmarc, Processor authResults) throws Exception {
        int n = ROUTES.incrementAndGet();
        String routeId = "auth-test-" + n;
        TestGateway.camel().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("smtpd:127.0.0.1:0?hostname=mx.test.local&localDomains=example.com&idleTimeout=" + (300 + n)).routeId(routeId) // one endpoint each
                        .process(first).process(second).process(dmarc).process(new PolicyDecision()).process(authResults)
                        .process("receivedHeader")
                        .to("accepted:mail.accepted");
            }
        });
        return ((io.mailgateway.smtp.camel.SmtpdConsumer) TestGateway.camel().getRoute(routeId).getConsumer()).getLocalPort();
    }
}
