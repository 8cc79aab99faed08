package io.mailgateway.benchmark;

import io.mailgateway.auth.Sasl;
import io.mailgateway.auth.SaslStep;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Base64 of AUTH (RFC 4954): {@link Sasl} decoding a PLAIN initial response (RFC 4616) and
 * LOGIN's two responses, strict Base64 then strict UTF-8, as AuthCommand calls it. (The tuning
 * guide calls this mode "base64_encoding"; on the server side it is decoding.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Base64EncodingBenchmark {

    private String plainResponse;
    private String loginUser;
    private String loginPassword;

    @Setup
    public void setUp() {
        Base64.Encoder b64 = Base64.getEncoder();
        plainResponse = b64.encodeToString("\0alice@example.com\0correct horse battery staple".getBytes(StandardCharsets.UTF_8));
        loginUser = b64.encodeToString("alice@example.com".getBytes(StandardCharsets.UTF_8));
        loginPassword = b64.encodeToString("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
        if (authPlain().kind() != SaslStep.Kind.CREDENTIALS || authLogin().kind() != SaslStep.Kind.CREDENTIALS) {
            throw new IllegalStateException("sample AUTH responses were not accepted");
        }
    }

    /** {@code AUTH PLAIN <base64>}: one decode, split at the NULs. */
    @Benchmark
    public SaslStep authPlain() {
        return Sasl.plainInitial(plainResponse);
    }

    /** {@code AUTH LOGIN}: the user name line, then the password line. */
    @Benchmark
    public SaslStep authLogin() {
        SaslStep user = Sasl.loginUsername(loginUser);
        return Sasl.loginPassword(user.username(), loginPassword);
    }
}
