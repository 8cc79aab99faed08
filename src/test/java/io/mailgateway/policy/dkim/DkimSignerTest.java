package io.mailgateway.policy.dkim;

import static io.mailgateway.policy.dkim.DkimTestSupport.MESSAGE;
import static io.mailgateway.policy.dkim.DkimTestSupport.bytes;
import static io.mailgateway.policy.dkim.DkimTestSupport.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.config.ConfigException;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.MessageContent;
import io.mailgateway.policy.dkim.DkimResult.Result;
import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.dns.LoopbackDnsServer;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signer and the dkimSign processor, checked by our verifier against keys in loopback DNS. */
class DkimSignerTest {

    static KeyPair rsa;
    static KeyPair ed;
    static LoopbackDnsServer dns;
    static DnsDkimVerifier verifier;
    static CamelContext camel;

    @BeforeAll
    static void setUp() throws Exception {
        rsa = DkimTestSupport.rsa(2048);
        ed = DkimTestSupport.ed25519();
        dns = new LoopbackDnsServer();
        publish(dns, "sel1", "example.com", rsa);
        publish(dns, "mail", "example.org", ed);
        verifier = new DnsDkimVerifier(new DkimKeyStore(new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), 100, 3600), 100, 3600), () -> 1_800_000_000L);
        camel = new DefaultCamelContext();
    }

    @AfterAll
    static void tearDown() {
        dns.close();
    }

    private static DkimSigner signer() {
        return new DkimSigner(List.of(new DkimSigner.SigningKey("example.com", "sel1", rsa.getPrivate()),
                new DkimSigner.SigningKey("example.org", "mail", ed.getPrivate())), () -> 1_800_000_000L);
    }

    private static List<DkimResult> verify(InputStream in) throws Exception {
        try (in) {
            return verifier.verify(in);
        }
    }

    static String message(String from) {
        return MESSAGE.replace("Joe SixPack <joe@football.example.com>", from);
    }

    @Test
    void processor_prepends_a_signature_to_the_message_content_without_copying_the_body() throws Exception {
        MessageContent content = MessageContent.inBuffer(Unpooled.copiedBuffer(bytes(message("Joe <joe@example.com>"))));
        try {
            Exchange ex = new DefaultExchange(camel);
            ex.getMessage().setBody(content);
            submittedBy("joe@example.com", ex);
            new DkimSignProcessor(signer()).process(ex);
            MessageContent signed = ex.getMessage().getBody(MessageContent.class);
            assertThat(signed).isNotSameAs(content);
            String text = new String(signed.openStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(text).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel1;\r\n\tt=1800000000; h=from:from:to:subject:date:message-id;");
            assertThat(text).endsWith(message("Joe <joe@example.com>"));
            assertThat(verify(signed.openStream())).containsExactly(new DkimResult("example.com", "sel1", Result.PASS, null));
        } finally {
            content.release();
        }
    }

    @Test
    void signing_domain_is_the_from_domain_or_its_parent_else_the_envelope_sender() throws Exception {
        DkimSigner s = signer();
        String sub = message("News <news@lists.example.org>");
        byte[] f = s.sign(new ByteArrayInputStream(bytes(sub)), "");
        assertThat(new String(f, StandardCharsets.US_ASCII)).contains("a=ed25519-sha256").contains("d=example.org; s=mail;");
        assertThat(verify(new ByteArrayInputStream(bytes(new String(f, StandardCharsets.US_ASCII) + sub))))
                .extracting(DkimResult::result).containsExactly(Result.PASS);

        String foreign = message("Someone <someone@elsewhere.test>");
        assertThat(s.sign(new ByteArrayInputStream(bytes(foreign)), "")).isNull();
        assertThat(new String(s.sign(new ByteArrayInputStream(bytes(foreign)), "bounces@example.com"), StandardCharsets.US_ASCII))
                .contains("d=example.com;");
        assertThat(new DkimSigner(List.of(), () -> 0).sign(new ByteArrayInputStream(bytes(foreign)), "x@example.com")).isNull();
    }

    @Test
    void a_domain_with_two_selectors_gets_an_rsa_and_an_ed25519_signature() throws Exception {
        publish(dns, "ed1", "example.com", ed);
        DkimSigner s = new DkimSigner(List.of(new DkimSigner.SigningKey("example.com", "sel1", rsa.getPrivate()),
                new DkimSigner.SigningKey("example.com", "ed1", ed.getPrivate())), () -> 1_800_000_000L);
        String m = message("j@example.com");
        String signed = new String(s.sign(new ByteArrayInputStream(bytes(m)), ""), StandardCharsets.US_ASCII) + m;
        assertThat(verify(new ByteArrayInputStream(bytes(signed)))).containsExactly(
                new DkimResult("example.com", "sel1", Result.PASS, null), new DkimResult("example.com", "ed1", Result.PASS, null));
    }

    @Test
    void processor_signs_a_stream_cached_body_without_copying_it() throws Exception {
        Exchange ex = new DefaultExchange(camel);
        String m = message("j@example.org");
        ex.getMessage().setBody(new org.apache.camel.converter.stream.InputStreamCache(bytes(m)));
        submittedBy("j@example.org", ex);
        new DkimSignProcessor(signer()).process(ex);
        String text = new String(ex.getMessage().getBody(InputStream.class).readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(text).startsWith("DKIM-Signature: v=1; a=ed25519-sha256;").endsWith(m);
        assertThat(verify(new ByteArrayInputStream(bytes(text)))).extracting(DkimResult::result).containsExactly(Result.PASS);
    }

    @Test
    void unsigned_messages_pass_the_processor_unchanged() throws Exception {
        Exchange ex = new DefaultExchange(camel);
        byte[] body = bytes(message("a@elsewhere.test"));
        ex.getMessage().setBody(body);
        io.mailgateway.testing.Envelopes.headers("b@elsewhere.test", java.util.List.of("c@far.test"), java.util.List.of())
                .forEach(ex.getMessage()::setHeader);
        new DkimSignProcessor(signer()).process(ex);
        assertThat(ex.getMessage().getBody()).isSameAs(body);
    }

    /**
     * Unauthenticated mail passing through to a relayed domain is not signed, whatever its From:
     * says (anyone could have a "From: ceo@example.com" signed by us); the gateway's own DSNs are.
     */
    @Test
    void only_authenticated_mail_and_the_gateways_own_is_signed() throws Exception {
        byte[] forged = bytes(message("CEO <ceo@example.com>"));
        Exchange inbound = new DefaultExchange(camel);
        inbound.getMessage().setBody(forged);
        io.mailgateway.testing.Envelopes.headers("a@evil.test", java.util.List.of("nosuchuser@relayed.test"), java.util.List.of())
                .forEach(inbound.getMessage()::setHeader);
        new DkimSignProcessor(signer()).process(inbound);
        assertThat(inbound.getMessage().getBody()).isSameAs(forged);

        Exchange dsn = new DefaultExchange(camel);
        dsn.getMessage().setBody(forged);
        dsn.getMessage().setHeader(io.mailgateway.message.MailHeaders.PROTOCOL, io.mailgateway.message.MailHeaders.PROTOCOL_LOCAL);
        new DkimSignProcessor(signer()).process(dsn);
        assertThat(new String(dsn.getMessage().getBody(byte[].class), StandardCharsets.US_ASCII)).startsWith("DKIM-Signature: ");
    }

    /** The envelope of a message an authenticated user submitted. */
    private static void submittedBy(String user, Exchange ex) {
        io.mailgateway.message.Mailbox sender = io.mailgateway.message.Mailbox.parse(user).orElseThrow();
        io.mailgateway.message.EnvelopeCodec.write(ex.getMessage(), new io.mailgateway.message.Envelope(sender, java.util.Map.of(),
                java.util.List.of(io.mailgateway.message.Recipient.of(io.mailgateway.message.Mailbox.parse("c@far.test").orElseThrow(),
                        io.mailgateway.message.Disposition.RELAY)),
                new io.mailgateway.message.Client("192.0.2.1", "client.test", "TLSv1.3", user)));
    }

    @Test
    void addresses() {
        assertThat(DkimSigner.addressDomain(" \"Doe, J\" <j@Example.COM>\r\n")).isEqualTo("example.com");
        assertThat(DkimSigner.addressDomain("j@example.com (comment)")).isNull();
        assertThat(DkimSigner.addressDomain("j@example.com")).isEqualTo("example.com");
        assertThat(DkimSigner.addressDomain("")).isNull();
    }

    @Test
    void configuration_loads_key_files_and_names_the_setting_when_one_is_missing(@TempDir Path data) throws Exception {
        Map<String, String> env = Map.of("DATA_DIR", data.toString(), "DKIM_SIGN_DOMAINS", "example.com:sel1");
        assertThatThrownBy(() -> DkimSigner.fromConfig(GatewayConfig.load(env, new Properties())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("DKIM_SIGN_DOMAINS")
                .hasMessageContaining("example.com.sel1.key");
        Files.createDirectories(data.resolve("dkim"));
        Files.writeString(data.resolve("dkim/example.com.sel1.key"), "not a key");
        assertThatThrownBy(() -> DkimSigner.fromConfig(GatewayConfig.load(env, new Properties())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("DKIM_SIGN_DOMAINS");
        Files.delete(data.resolve("dkim/example.com.sel1.key"));
        String record = DkimKeys.generate(DkimSigner.keyFile(data, "example.com", "sel1"), false, 1024);
        DkimSigner s = DkimSigner.fromConfig(GatewayConfig.load(env, new Properties()));
        assertThat(s.isEmpty()).isFalse();
        publish(dns, "gen", "example.com", record, 60);
        assertThat(record).startsWith("v=DKIM1; k=rsa; p=");
        assertThat(DkimSigner.checkDomains("example.com:sel1, example.org:mail")).isNull();
        assertThat(DkimSigner.checkDomains("example.com")).contains("not domain:selector");
        assertThat(DkimSigner.fromConfig(GatewayConfig.load(Map.of("DATA_DIR", data.toString()), new Properties())).isEmpty()).isTrue();
    }
}
