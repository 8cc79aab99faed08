package io.mailgateway.benchmark;

import java.util.Arrays;
import java.util.Optional;

/**
 * The benchmarks {@code --benchmark=NAME} runs, by the name operators type. The first three are
 * the tuning guide's names; the rest are ours.
 */
public enum BenchmarkSuite {

    EMAIL_VALIDATION(EmailValidationBenchmark.class, "MAIL FROM/RCPT TO path parsing and address validation"),
    BASE64_ENCODING(Base64EncodingBenchmark.class, "AUTH PLAIN/LOGIN responses: strict Base64 and UTF-8 decoding"),
    SMTP_PARSING(SmtpParsingBenchmark.class, "command lines framed by the SMTP decoder from a pipelined transaction"),
    END_OF_DATA(EndOfDataBenchmark.class, "DATA content: dot-unstuffing and the CRLF.CRLF scan, by message size"),
    HEADER_PREPEND(HeaderPrependBenchmark.class, "Received: and Authentication-Results: prepended to a received message"),
    DKIM_VERIFY(DkimVerifyBenchmark.class, "DKIM verification of a signed message (rsa-sha256, ed25519-sha256), key from an in-memory DNS answer"),
    ENVELOPE_CODEC(EnvelopeCodecBenchmark.class, "the envelope JSON on every broker message: encoded at acceptance, decoded by each store and delivery");

    private final Class<?> benchmarks;
    private final String description;

    BenchmarkSuite(Class<?> benchmarks, String description) {
        this.benchmarks = benchmarks;
        this.description = description;
    }

    /** The name on the command line: {@code smtp_parsing}. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public String description() {
        return description;
    }

    /** JMH include pattern matching exactly this class's benchmark methods. */
    public String includePattern() {
        return "^" + benchmarks.getName().replace(".", "\\.") + "\\.";
    }

    public static Optional<BenchmarkSuite> byName(String name) {
        return Arrays.stream(values()).filter(b -> b.cliName().equals(name)).findFirst();
    }

    /** Every benchmark of this package (what {@code --benchmark} alone runs). */
    public static String includeAll() {
        return "^" + BenchmarkSuite.class.getPackageName().replace(".", "\\.") + "\\.";
    }
}
