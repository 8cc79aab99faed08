package io.mailgateway.benchmark;

import io.mailgateway.policy.dkim.DkimKeyStore;
import io.mailgateway.policy.dkim.DkimKeys;
import io.mailgateway.policy.dkim.DkimResult;
import io.mailgateway.policy.dkim.DkimSigner;
import io.mailgateway.policy.dkim.DnsDkimVerifier;
import io.mailgateway.policy.dns.DnsAnswer;
import io.mailgateway.policy.dns.DnsResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

/**
 * {@link DnsDkimVerifier} on a signed 16 KiB message: header section parse, relaxed body hash,
 * signature check. The key pair is made in setup, signed with our {@link DkimSigner}, and its
 * DNS record ({@link DkimKeys#record}) answered from memory, so no network is involved; the key
 * cache is on, as by default (DKIM_CACHE_ENABLED), so this is the cost of a warm cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DkimVerifyBenchmark {

    static final String DOMAIN = SampleMessage.FROM_DOMAIN;
    static final String SELECTOR = "sel2026";

    @Param({"rsa-sha256", "ed25519-sha256"})
    public String algorithm;

    private DnsDkimVerifier verifier;
    private byte[] signed;

    @Setup
    public void setUp() throws Exception {
        KeyPair pair = algorithm.equals("rsa-sha256") ? rsa2048() : KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        TXTRecord record = txt(SELECTOR + "._domainkey." + DOMAIN, DkimKeys.record(pair.getPublic()));
        DnsResolver dns = (name, type) -> name.equalsIgnoreCase(SELECTOR + "._domainkey." + DOMAIN)
                ? new DnsAnswer(DnsAnswer.Status.OK, List.of(record)) : DnsAnswer.nxdomain();
        verifier = new DnsDkimVerifier(new DkimKeyStore(dns, 10_000, 3600));
        byte[] message = SampleMessage.message(16 * 1024);
        DkimSigner signer = new DkimSigner(List.of(new DkimSigner.SigningKey(DOMAIN, SELECTOR, pair.getPrivate())),
                () -> System.currentTimeMillis() / 1000);
        byte[] field = signer.sign(new ByteArrayInputStream(message), "alice@" + DOMAIN);
        signed = new byte[field.length + message.length];
        System.arraycopy(field, 0, signed, 0, field.length);
        System.arraycopy(message, 0, signed, field.length, message.length);
        DkimResult result = verify().get(0);
        if (result.result() != DkimResult.Result.PASS
                || !new String(field, StandardCharsets.US_ASCII).contains("a=" + algorithm + ";")) {
            throw new IllegalStateException("sample signature did not verify: " + result);
        }
    }

    @Benchmark
    public List<DkimResult> verify() throws IOException {
        return verifier.verify(new ByteArrayInputStream(signed));
    }

    private static KeyPair rsa2048() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** A TXT record in 255-octet character-strings, as a DNS server would serve a long key. */
    private static TXTRecord txt(String name, String text) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            strings.add(text.substring(i, Math.min(text.length(), i + 255)));
        }
        return new TXTRecord(Name.fromConstantString(name + "."), DClass.IN, 3600, strings);
    }
}
