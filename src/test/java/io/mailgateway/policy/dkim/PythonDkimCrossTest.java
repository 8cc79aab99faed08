package io.mailgateway.policy.dkim;

import static io.mailgateway.policy.dkim.DkimTestSupport.bytes;
import static io.mailgateway.policy.dkim.DkimTestSupport.publish;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.policy.dkim.DkimResult.Result;
import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.dns.LoopbackDnsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-verification with an independent implementation, Debian's python3-dkim (dkimpy), both
 * ways. It must be installed (.ci/run installs it): without it these tests fail, they never skip.
 */
class PythonDkimCrossTest {

    static final String D = "cross.example.org";
    static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    @TempDir
    static Path dir;
    static KeyPair rsa;
    static KeyPair ed;
    static Path script;
    static LoopbackDnsServer dns;
    static DnsDkimVerifier verifier;

    /** Awkward but legal: folded and padded headers, tabs, trailing spaces, empty lines at the end. */
    static final String MESSAGE = "Received: from a.test by b.test; Sun, 29 Nov 2026 06:00:00 +0000\r\n"
            + "From: \"Alice Example\" <alice@cross.example.org>\r\n"
            + "To: bob@example.net,\r\n\t carol@example.net\r\n"
            + "Cc: dave@example.net\r\n"
            + "Subject:   a   folded\r\n  subject \t \r\n"
            + "Date: Sun, 29 Nov 2026 06:00:00 +0000\r\n"
            + "Message-ID: <cross-1@cross.example.org>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "\r\n"
            + "Hello Bob,  \r\n"
            + "\t indented  line\t\r\n"
            + "\r\n"
            + "-- \r\n"
            + "Alice\r\n"
            + "\r\n"
            + "\r\n";

    @BeforeAll
    static void setUp() throws Exception {
        Run check = python(List.of("-c", "import dkim, nacl"), new byte[0]);
        assertThat(check.exit).as("python3-dkim (dkimpy) with python3-nacl is needed: apt-get install -y python3-dkim"
                + " (.ci/run installs it); %s", check.err).isZero();
        script = dir.resolve("dkimpy.py");
        try (InputStream in = PythonDkimCrossTest.class.getResourceAsStream("/dkim/dkimpy.py")) {
            Files.write(script, in.readAllBytes());
        }
        rsa = DkimTestSupport.rsa(2048);
        ed = DkimTestSupport.ed25519();
        Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(rsa.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        byte[] pk = ed.getPrivate().getEncoded(); // PKCS#8: the 32-octet seed comes last
        Files.writeString(dir.resolve("ed.seed"), Base64.getEncoder().encodeToString(Arrays.copyOfRange(pk, pk.length - 32, pk.length)));
        dns = new LoopbackDnsServer();
        publish(dns, "rsa", D, rsa);
        publish(dns, "ed", D, ed);
        verifier = new DnsDkimVerifier(new DkimKeyStore(new DnsjavaResolver(List.of(dns.address()), Duration.ofSeconds(2), 100, 3600), 100, 3600));
    }

    @AfterAll
    static void tearDown() {
        if (dns != null) {
            dns.close();
        }
    }

    record Run(int exit, String out, String err) {
    }

    static Run python(List<String> args, byte[] stdin) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON));
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            return new Run(127, "", e.toString());
        }
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("python finished").isTrue();
        return new Run(p.exitValue(), new String(out.get(), StandardCharsets.ISO_8859_1), new String(err.get(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String pythonSigned(String selector, String key, String hc, String bc, String alg, boolean length) throws Exception {
        Run r = python(List.of(script.toString(), "sign", selector, D, dir.resolve(key).toString(), hc, bc, alg, length ? "1" : "0"), bytes(MESSAGE));
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).startsWith("DKIM-Signature:");
        return r.out;
    }

    private static List<DkimResult> verify(String message) throws IOException {
        return verifier.verify(new ByteArrayInputStream(bytes(message)));
    }

    @Test
    void python_signs_we_verify_rsa_and_ed25519_simple_and_relaxed_with_and_without_l() throws Exception {
        for (String[] k : new String[][] {{"rsa", "rsa.pem", "rsa-sha256"}, {"ed", "ed.seed", "ed25519-sha256"}}) {
            for (String hc : new String[] {"simple", "relaxed"}) {
                for (String bc : new String[] {"simple", "relaxed"}) {
                    for (boolean length : new boolean[] {false, true}) {
                        String what = k[2] + " " + hc + "/" + bc + (length ? " l=" : "");
                        String signed = pythonSigned(k[0], k[1], hc, bc, k[2], length);
                        assertThat(verify(signed)).as(what).containsExactly(new DkimResult(D, k[0], Result.PASS, null));
                        assertThat(verify(signed.replace("Hello Bob", "Hello Eve"))).as(what + " tampered")
                                .extracting(DkimResult::result).containsExactly(Result.FAIL);
                        if (length) {
                            assertThat(verify(signed + "appended after l=\r\n")).as(what + " appended")
                                    .extracting(DkimResult::result).containsExactly(Result.PASS);
                        }
                    }
                }
            }
        }
    }

    @Test
    void we_sign_python_verifies_rsa_and_ed25519() throws Exception {
        for (KeyPair pair : List.of(rsa, ed)) {
            DkimSigner signer = new DkimSigner(List.of(new DkimSigner.SigningKey(D, "s1", pair.getPrivate())),
                    () -> System.currentTimeMillis() / 1000);
            byte[] field = signer.sign(new ByteArrayInputStream(bytes(MESSAGE)), "bounce@other.test");
            String signed = new String(field, StandardCharsets.US_ASCII) + MESSAGE;
            String record = DkimKeys.record(pair.getPublic());
            Run ok = python(List.of(script.toString(), "verify", record), bytes(signed));
            assertThat(ok.out.strip()).as(pair.getPublic().getAlgorithm() + ": " + ok.err + "\n" + signed).isEqualTo("pass");
            Run tampered = python(List.of(script.toString(), "verify", record), bytes(signed.replace("Alice\r\n", "Mallory\r\n")));
            assertThat(tampered.out.strip()).isEqualTo("fail");
            Run addedFrom = python(List.of(script.toString(), "verify", record), bytes("From: eve@evil.test\r\n" + signed));
            assertThat(addedFrom.out.strip()).as("From is over-signed").isEqualTo("fail");
        }
    }
}
