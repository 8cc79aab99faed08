package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.benchmark.BenchmarkSuite;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark modes of the packaged jar ({@code java -jar mail-gateway.jar --benchmark=NAME}),
 * with JMH's shortest options: one real measured iteration, no warm-up. Scores are only checked
 * to be there: no timing is asserted.
 */
class BenchmarkModeIT {

    @TempDir
    Path dir;

    @Test
    void should_run_smtp_parsing_in_process_and_print_jmh_result_table() throws Exception {
        GatewayProcess.CommandResult run = GatewayProcess.command(dir, Map.of(),
                "--benchmark=smtp_parsing", "-f", "0", "-wi", "0", "-i", "1", "-r", "100ms");

        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Benchmark ").contains("Score");
        assertThat(score(run.out(), "SmtpParsingBenchmark.frameCommands", "ns/op")).isPositive();
        assertThat(score(run.out(), "SmtpParsingBenchmark.frameAndParsePaths", "ns/op")).isPositive();
        assertThat(run.out()).doesNotContain("DkimVerifyBenchmark"); // only the one named
    }

    /** The default mode forks: the forked JVM must find the benchmarks through the jar's manifest Class-Path. */
    @Test
    void should_run_a_benchmark_in_a_forked_jvm_from_the_jar() throws Exception {
        GatewayProcess.CommandResult run = GatewayProcess.command(dir, Map.of(),
                "--benchmark=base64_encoding", "-f", "1", "-wi", "0", "-i", "1", "-r", "100ms");

        assertThat(run.status()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("# Fork: 1 of 1");
        assertThat(score(run.out(), "Base64EncodingBenchmark.authPlain", "ns/op")).isPositive();
        assertThat(score(run.out(), "Base64EncodingBenchmark.authLogin", "ns/op")).isPositive();
    }

    @Test
    void should_refuse_an_unknown_name_with_exit_2_and_list_the_names() throws Exception {
        GatewayProcess.CommandResult run = GatewayProcess.command(dir, Map.of(), "--benchmark=smtp_parse");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("unknown benchmark: smtp_parse").contains(names());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void should_list_the_names_on_help() throws Exception {
        GatewayProcess.CommandResult run = GatewayProcess.command(dir, Map.of(), "--benchmark=help");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains(names()).contains("email_validation", "base64_encoding", "smtp_parsing",
                "end_of_data", "header_prepend", "dkim_verify", "envelope_codec");
    }

    private static List<String> names() {
        return Arrays.stream(BenchmarkSuite.values()).map(BenchmarkSuite::cliName).toList();
    }

    /** The score in JMH's result table line of {@code benchmark} ("Class.method  avgt  [cnt]  score  [error]  unit"). */
    private static double score(String output, String benchmark, String unit) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(benchmark) + "\\s+avgt\\s+(?:\\d+\\s+)?([0-9][0-9.,]*)\\s+.*"
                + Pattern.quote(unit) + "\\s*$").matcher(output);
        assertThat(m.find()).as("a result line for %s in:%n%s", benchmark, output).isTrue();
        return Double.parseDouble(m.group(1).replace(",", ""));
    }
}
