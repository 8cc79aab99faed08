package io.mailgateway.policy.dkim;

import static io.mailgateway.policy.dkim.DkimTestSupport.MESSAGE;
import static io.mailgateway.policy.dkim.DkimTestSupport.bytes;
import static io.mailgateway.policy.dkim.DkimTestSupport.publish;
import static io.mailgateway.policy.dkim.DkimTestSupport.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.policy.dkim.DkimResult.Result;
import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.dns.LoopbackDnsServer;
import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/** The verifier against keys served by a real DNS server on loopback, through the real resolver. */
class DnsDkimVerifierTest {

    static final String D = "football.example.com";
    static KeyPair rsa;
    static KeyPair ed;

    private LoopbackDnsServer dns;
    private DnsDkimVerifier verifier;
    private final AtomicLong now = new AtomicLong(1_700_000_000L);

    @BeforeAll
    static void keys() throws Exception {
        rsa = DkimTestSupport.rsa(2048);
        ed = DkimTestSupport.ed25519();
    }

    @BeforeEach
    void start() throws Exception {
        dns = new LoopbackDnsServer();
        // resolver cache off: the DKIM key cache is what is under test
        DnsjavaResolver resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(300), 0, 0);
        verifier = new DnsDkimVerifier(new DkimKeyStore(resolver, 100, 3600), now::get);
        publish(dns, "r", D, rsa);
        publish(dns, "e", D, ed);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private List<DkimResult> verify(String message) throws Exception {
        return verifier.verify(new ByteArrayInputStream(bytes(message)));
    }

    private static String signed(KeyPair k, String sel, String c) throws Exception {
        return sign(MESSAGE, k.getPrivate(), D, sel, c, "from:to:subject:date:message-id:from", "", -1) + MESSAGE;
    }

    @Test
    void rfc8463_appendix_a_ed25519_and_rsa_both_pass() throws Exception {
        publish(dns, "brisbane", D, "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", 3600);
        publish(dns, "test", D, "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB", 3600);
        String signatures = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
                + " d=football.example.com; i=@football.example.com;\r\n"
                + " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
                + " subject : date : message-id : from : subject : date;\r\n"
                + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
                + " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
                + " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n"
                + "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
                + " d=football.example.com; i=@football.example.com;\r\n"
                + " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
                + " date : message-id : from : subject : date;\r\n"
                + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
                + " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\r\n"
                + " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\r\n"
                + " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\r\n";
        assertThat(verify(signatures + MESSAGE)).containsExactly(
                new DkimResult(D, "brisbane", Result.PASS, null),
                new DkimResult(D, "test", Result.PASS, null));
        // one octet of the body changed: both fail on the body hash
        assertThat(verify(signatures + MESSAGE.replace("hungry", "Hungry")))
                .extracting(DkimResult::result, DkimResult::reason)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(Result.FAIL, "body hash did not verify"));
    }

    @Test
    void rsa_and_ed25519_in_all_canonicalizations() throws Exception {
        for (String c : new String[] {"simple/simple", "relaxed/relaxed", "simple/relaxed", "relaxed/simple", "relaxed"}) {
            assertThat(verify(signed(rsa, "r", c))).as(c).extracting(DkimResult::result).containsExactly(Result.PASS);
            assertThat(verify(signed(ed, "e", c))).as(c).extracting(DkimResult::result).containsExactly(Result.PASS);
        }
    }

    @Test
    void unsigned_message_gives_no_results() throws Exception {
        assertThat(verify(MESSAGE)).isEmpty();
    }

    @Test
    void tampered_header_or_body_fails() throws Exception {
        String m = signed(rsa, "r", "relaxed/relaxed");
        assertThat(verify(m.replace("Subject: Is dinner ready?", "Subject: Is dinner ready!")))
                .containsExactly(new DkimResult(D, "r", Result.FAIL, "signature did not verify"));
        assertThat(verify(m.replace("Joe.\r\n", "Jim.\r\n")))
                .containsExactly(new DkimResult(D, "r", Result.FAIL, "body hash did not verify"));
        // relaxed tolerates whitespace changes, simple does not
        assertThat(verify(m.replace("Subject: Is", "Subject:   Is"))).extracting(DkimResult::result).containsExactly(Result.PASS);
        assertThat(verify(signed(rsa, "r", "simple/simple").replace("Subject: Is", "Subject:   Is")))
                .extracting(DkimResult::result).containsExactly(Result.FAIL);
    }

    @Test
    void over_signed_from_refuses_an_added_from_and_instances_are_taken_bottom_up() throws Exception {
        String m = signed(ed, "e", "relaxed/relaxed");
        assertThat(verify("From: evil@attacker.test\r\n" + m)).extracting(DkimResult::result).containsExactly(Result.FAIL);
        // two Received fields signed twice: the bottom one is the first in h=
        String msg = "Received: top\r\nReceived: bottom\r\n" + MESSAGE;
        String sig = sign(msg, ed.getPrivate(), D, "e", "relaxed/relaxed", "received:received:from", "", -1);
        assertThat(verify(sig + msg)).extracting(DkimResult::result).containsExactly(Result.PASS);
        String swapped = "Received: bottom\r\nReceived: top\r\n" + MESSAGE;
        assertThat(verify(sig + swapped)).extracting(DkimResult::result).containsExactly(Result.FAIL);
        // a new Received added on top (as every hop does) does not break the signature
        assertThat(verify("Received: new\r\n" + sig + msg)).extracting(DkimResult::result).containsExactly(Result.PASS);
    }

    @Test
    void body_length_l_is_honoured() throws Exception {
        String sig = sign(MESSAGE, rsa.getPrivate(), D, "r", "relaxed/relaxed", "from:subject", "", 10);
        assertThat(verify(sig + MESSAGE + "appended by a list\r\n")).extracting(DkimResult::result).containsExactly(Result.PASS);
        assertThat(verify(sig + MESSAGE.replace("Hi.", "Ho."))).extracting(DkimResult::result).containsExactly(Result.FAIL);
        String tooLong = sign(MESSAGE, rsa.getPrivate(), D, "r", "relaxed/relaxed", "from", "", 10);
        String cut = MESSAGE.substring(0, MESSAGE.indexOf("\r\n\r\n") + 4) + "Hi.\r\n";
        assertThat(verify(tooLong + cut)).containsExactly(new DkimResult(D, "r", Result.FAIL, "l= 10 is longer than the body"));
    }

    @Test
    void expiry_x_and_timestamp_t() throws Exception {
        String valid = sign(MESSAGE, ed.getPrivate(), D, "e", "relaxed/relaxed", "from", "t=1699999000; x=1700000100; ", -1);
        assertThat(verify(valid + MESSAGE)).extracting(DkimResult::result).containsExactly(Result.PASS);
        now.set(1_700_000_101L);
        assertThat(verify(valid + MESSAGE)).containsExactly(new DkimResult(D, "e", Result.FAIL, "signature expired (x=1700000100)"));
        String future = sign(MESSAGE, ed.getPrivate(), D, "e", "relaxed/relaxed", "from", "t=1800000000; ", -1);
        assertThat(verify(future + MESSAGE)).extracting(DkimResult::result).containsExactly(Result.PERMERROR);
        String backwards = sign(MESSAGE, ed.getPrivate(), D, "e", "relaxed/relaxed", "from", "t=1700000000; x=1699999999; ", -1);
        assertThat(verify(backwards + MESSAGE)).extracting(DkimResult::result).containsExactly(Result.PERMERROR);
    }

    @Test
    void revoked_missing_weak_and_mismatched_keys() throws Exception {
        publish(dns, "revoked", D, "v=DKIM1; k=rsa; p=", 3600);
        KeyPair weak = DkimTestSupport.rsa(512);
        publish(dns, "weak", D, weak);
        publish(dns, "testing", D, DkimKeys.record(ed.getPublic()) + "; t=y", 3600);
        publish(dns, "sha1only", D, DkimKeys.record(rsa.getPublic()) + "; h=sha1", 3600);

        assertThat(verify(signed(rsa, "revoked", "relaxed/relaxed")))
                .containsExactly(new DkimResult(D, "revoked", Result.PERMERROR, "key revoked (empty p=)"));
        assertThat(verify(signed(weak, "weak", "relaxed/relaxed")))
                .containsExactly(new DkimResult(D, "weak", Result.PERMERROR, "RSA key of 512 bits is under the 1024-bit floor"));
        assertThat(verify(signed(rsa, "nokey", "relaxed/relaxed")))
                .containsExactly(new DkimResult(D, "nokey", Result.PERMERROR, "no key for signature (NXDOMAIN nokey._domainkey.football.example.com)"));
        assertThat(verify(signed(rsa, "e", "relaxed/relaxed"))).extracting(DkimResult::result).containsExactly(Result.PERMERROR);
        assertThat(verify(signed(rsa, "sha1only", "relaxed/relaxed"))).extracting(DkimResult::result).containsExactly(Result.PERMERROR);
        // t=y: a good signature still passes, a failing one is neutral (RFC 6376 3.6.1)
        assertThat(verify(signed(ed, "testing", "relaxed/relaxed"))).extracting(DkimResult::result).containsExactly(Result.PASS);
        assertThat(verify(signed(ed, "testing", "relaxed/relaxed").replace("Joe.", "Jim.")))
                .extracting(DkimResult::result).containsExactly(Result.NEUTRAL);
    }

    @Test
    void rsa_key_published_as_bare_pkcs1_rsapublickey_is_accepted() throws Exception {
        byte[] spki = rsa.getPublic().getEncoded(); // 2048 bits: 24 octets of SubjectPublicKeyInfo, then RSAPublicKey
        byte[] pkcs1 = java.util.Arrays.copyOfRange(spki, 24, spki.length);
        assertThat(pkcs1[0]).isEqualTo((byte) 0x30);
        publish(dns, "pkcs1", D, "v=DKIM1; k=rsa; p=" + java.util.Base64.getEncoder().encodeToString(pkcs1), 3600);
        assertThat(verify(signed(rsa, "pkcs1", "relaxed/relaxed"))).extracting(DkimResult::result).containsExactly(Result.PASS);
        publish(dns, "junk", D, "v=DKIM1; k=rsa; p=AAAAAAAA", 3600);
        assertThat(verify(signed(rsa, "junk", "relaxed/relaxed")))
                .containsExactly(new DkimResult(D, "junk", Result.PERMERROR, "key p= is not an RSA public key"));
    }

    @Test
    void rsa_sha1_and_malformed_signatures_are_permerror() throws Exception {
        String sha1 = "DKIM-Signature: v=1; a=rsa-sha1; d=football.example.com; s=r; h=from; bh=AAAA; b=AAAA\r\n";
        assertThat(verify(sha1 + MESSAGE)).containsExactly(new DkimResult(D, "r", Result.PERMERROR, "rsa-sha1 is not accepted (RFC 8301)"));
        String noFrom = sign(MESSAGE, ed.getPrivate(), D, "e", "relaxed/relaxed", "subject", "", -1);
        assertThat(verify(noFrom + MESSAGE)).containsExactly(new DkimResult(D, "e", Result.PERMERROR, "h= does not sign From"));
        String badI = sign(MESSAGE, ed.getPrivate(), D, "e", "relaxed/relaxed", "from", "i=joe@other.test; ", -1);
        assertThat(verify(badI + MESSAGE)).extracting(DkimResult::result).containsExactly(Result.PERMERROR);
        assertThat(verify("DKIM-Signature: garbage\r\n" + MESSAGE)).extracting(DkimResult::result).containsExactly(Result.PERMERROR);
        String v2 = "DKIM-Signature: v=2; a=rsa-sha256; d=x.test; s=s; h=from; bh=AAAA; b=AAAA\r\n";
        assertThat(verify(v2 + MESSAGE)).containsExactly(new DkimResult("x.test", "s", Result.PERMERROR, "v= is not 1"));
    }

    @Test
    void dns_timeout_is_temperror_and_is_not_cached() throws Exception {
        dns.timeout(Name.fromConstantString("slow._domainkey." + D + "."));
        String m = signed(ed, "slow", "relaxed/relaxed");
        DkimResult r = verify(m).get(0);
        assertThat(r.result()).isEqualTo(Result.TEMPERROR);
        dns.clear();
        publish(dns, "slow", D, ed);
        assertThat(verify(m)).extracting(DkimResult::result).containsExactly(Result.PASS);
    }

    @Test
    void keys_are_cached_per_selector_and_domain() throws Exception {
        String m = signed(rsa, "r", "relaxed/relaxed");
        verify(m);
        verify(m);
        verify(signed(ed, "e", "relaxed/relaxed"));
        assertThat(dns.queries("r._domainkey." + D)).isEqualTo(1);
        assertThat(dns.queries("e._domainkey." + D)).isEqualTo(1);
        assertThat(verifier.keyStore().size()).isEqualTo(2);
    }

    @Test
    void no_key_answers_are_cached_for_at_most_five_minutes() throws Exception {
        AtomicLong nanos = new AtomicLong();
        DnsjavaResolver resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(300), 0, 0);
        DnsDkimVerifier v = new DnsDkimVerifier(new DkimKeyStore(resolver, 100, 3600, nanos::get), now::get);
        String m = signed(ed, "later", "relaxed/relaxed");
        assertThat(v.verify(new ByteArrayInputStream(bytes(m)))).extracting(DkimResult::result).containsExactly(Result.PERMERROR);
        publish(dns, "later", D, ed);
        nanos.addAndGet(299_000_000_000L);
        assertThat(v.verify(new ByteArrayInputStream(bytes(m)))).as("still cached").extracting(DkimResult::result).containsExactly(Result.PERMERROR);
        nanos.addAndGet(2_000_000_000L);
        assertThat(v.verify(new ByteArrayInputStream(bytes(m)))).extracting(DkimResult::result).containsExactly(Result.PASS);
        assertThat(dns.queries("later._domainkey." + D)).isEqualTo(2);
    }

    @Test
    void a_line_without_colon_named_in_h_does_not_break_verification() throws Exception {
        String msg = MESSAGE.replace("Subject:", "garbage\r\nSubject:");
        String sig = sign(msg, ed.getPrivate(), D, "e", "relaxed/relaxed", "from:garbage", "", -1);
        assertThat(verify(sig + msg)).extracting(DkimResult::result).containsExactly(Result.PASS);
        assertThat(verify(sig + msg.replace("garbage", "garbagE"))).extracting(DkimResult::result).containsExactly(Result.PASS);
        assertThat(verify(sig + msg.replace("garbage", "rubbish"))).extracting(DkimResult::result).containsExactly(Result.FAIL);
        String sig2 = sign(msg, ed.getPrivate(), D, "e", "simple/simple", "from", "", -1);
        assertThat(verify(sig2 + msg)).extracting(DkimResult::result).containsExactly(Result.PASS);
    }

    @Test
    void at_most_five_signatures_are_verified() throws Exception {
        StringBuilder sigs = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            sigs.append(sign(MESSAGE, ed.getPrivate(), D, "e", "relaxed/relaxed", "from", "", -1));
        }
        List<DkimResult> results = verify(sigs + MESSAGE);
        // the rest share one result: 60,000 signatures made a 1 MB Authentication-Results field
        assertThat(results).extracting(DkimResult::result).containsExactly(
                Result.PASS, Result.PASS, Result.PASS, Result.PASS, Result.PASS, Result.NEUTRAL);
        assertThat(results.get(5).reason()).startsWith("2 more signatures not verified");
    }

    /**
     * h= naming a field 20,000 times over 20,000 such fields: each name used to scan every field,
     * 20,000^2 steps before the signature was even checked. With the fields indexed once it is
     * verified like any other (this test would run for minutes, not fail, without the index).
     */
    @Test
    void a_signature_naming_a_field_thousands_of_times_is_verified_in_one_pass() throws Exception {
        int n = 20_000;
        String msg = "y: 1\r\n".repeat(n) + MESSAGE;
        String sig = sign(msg, ed.getPrivate(), D, "e", "relaxed/relaxed", "from" + ":y".repeat(n), "", -1);
        assertThat(verify(sig + msg)).extracting(DkimResult::result).containsExactly(Result.PASS);
    }

    @Test
    void header_section_over_one_mebibyte_is_refused() throws Exception {
        String big = "X-Big: " + "a".repeat(DnsDkimVerifier.MAX_HEADER_BYTES) + "\r\n";
        assertThat(verify(signed(ed, "e", "relaxed/relaxed").replace("From:", big + "From:")))
                .extracting(DkimResult::result).containsExactly(Result.PERMERROR);
    }
}
