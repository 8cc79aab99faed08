package io.mailgateway.benchmark;

import io.mailgateway.smtp.PathParser;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The argument of MAIL FROM / RCPT TO through {@link PathParser} (and so AddressParser), as
 * the MAIL and RCPT commands call it: path syntax, octet limits, canonical mailbox.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EmailValidationBenchmark {

    /** The text after the verb, as the client sent it, and the keyword it must start with. */
    private static final Map<String, String[]> PATHS = Map.of(
            "mail_from_params", new String[] {"FROM:<alice.smith+news@example.com> SIZE=48213 BODY=8BITMIME", "FROM"},
            "rcpt_plain", new String[] {"TO:<bob@mail.example.org>", "TO"},
            "rcpt_quoted", new String[] {"TO:<\"john q. public\"@example.com>", "TO"},
            "rcpt_utf8", new String[] {"TO:<pelé@exämple.com.br>", "TO"},
            "rcpt_invalid", new String[] {"TO:<a..b@example.com>", "TO"});

    @Param({"mail_from_params", "rcpt_plain", "rcpt_quoted", "rcpt_utf8", "rcpt_invalid"})
    public String path;

    private String args;
    private String keyword;

    @Setup
    public void setUp() {
        String[] p = PATHS.get(path);
        args = p[0];
        keyword = p[1];
        boolean valid = PathParser.parse(args, keyword).isPresent();
        if (valid == path.equals("rcpt_invalid")) {
            throw new IllegalStateException(path + " parsed as " + (valid ? "valid" : "invalid"));
        }
    }

    @Benchmark
    public Optional<PathParser.ParsedPath> parsePath() {
        return PathParser.parse(args, keyword);
    }
}
