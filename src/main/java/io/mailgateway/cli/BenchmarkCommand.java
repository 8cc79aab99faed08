package io.mailgateway.cli;

import io.mailgateway.benchmark.BenchmarkSuite;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code --benchmark[=NAME] [JMH options]}: runs the JMH benchmarks of {@link BenchmarkSuite}
 * (all of them, or the one named) from the packaged jar and prints JMH's result table. JMH's
 * own flags after the name override our defaults, which suit a small shared machine: 1 fork,
 * 3 warm-up and 5 measured iterations of 1 s each.
 */
final class BenchmarkCommand {

    static final String USAGE = "usage: java -jar mail-gateway.jar --benchmark[=NAME|help] [JMH options: -f 1 -wi 3 -i 5 -r 1s -w 1s ...]";

    private static final String PREFIX = "--benchmark=";

    private BenchmarkCommand() {
    }

    static boolean isBenchmark(String arg) {
        return arg.equals("--benchmark") || arg.startsWith(PREFIX);
    }

    /**
     * @param first    {@code --benchmark} or {@code --benchmark=NAME}
     * @param jmhArgs  the rest of the command line, JMH's options
     * @return the exit status: 0 done, 1 a benchmark failed, 2 unknown name or bad option
     */
    static int run(String first, List<String> jmhArgs, PrintStream out, PrintStream err) throws IOException {
        String name = first.startsWith(PREFIX) ? first.substring(PREFIX.length()) : null;
        if ("help".equals(name)) {
            out.println(USAGE);
            list(out);
            return 0;
        }
        Optional<BenchmarkSuite> suite = name == null ? Optional.empty() : BenchmarkSuite.byName(name);
        if (name != null && suite.isEmpty()) {
            err.println("unknown benchmark: " + name);
            err.println(USAGE);
            list(err);
            return 2;
        }
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            err.println("bad JMH option: " + e.getMessage());
            return 2;
        }
        if (cli.shouldHelp()) {
            cli.showHelp();
            return 0;
        }
        if (suite.isPresent() && !cli.getIncludes().isEmpty()) {
            // JMH would run the union of both: ambiguous, so one way of choosing at a time
            err.println("give either a benchmark name or a JMH include pattern, not both: " + cli.getIncludes());
            return 2;
        }
        ChainedOptionsBuilder options = withDefaults(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(suite.map(BenchmarkSuite::includePattern).orElse(BenchmarkSuite.includeAll()));
        }
        Runner runner = new Runner(options.build());
        if (cli.shouldList()) {
            runner.list();
            return 0;
        }
        try {
            return runner.run().stream().anyMatch(BenchmarkCommand::scored) ? 0 : 1;
        } catch (RunnerException e) {
            err.println("benchmark failed: " + e.getMessage());
            return 1;
        }
    }

    /** Our defaults where the command line gives none: a run of about 8 s per benchmark and parameter. */
    private static ChainedOptionsBuilder withDefaults(CommandLineOptions cli) {
        ChainedOptionsBuilder b = new OptionsBuilder().parent(cli);
        if (!cli.getForkCount().hasValue()) {
            b.forks(1);
        }
        if (!cli.getWarmupIterations().hasValue()) {
            b.warmupIterations(3);
        }
        if (!cli.getWarmupTime().hasValue()) {
            b.warmupTime(TimeValue.seconds(1));
        }
        if (!cli.getMeasurementIterations().hasValue()) {
            b.measurementIterations(5);
        }
        if (!cli.getMeasurementTime().hasValue()) {
            b.measurementTime(TimeValue.seconds(1));
        }
        if (!cli.shouldFailOnError().hasValue()) {
            b.shouldFailOnError(true); // a broken benchmark is an error exit, not a missing line
        }
        return b;
    }

    private static boolean scored(RunResult r) {
        return r.getPrimaryResult() != null && r.getPrimaryResult().getSampleCount() > 0;
    }

    private static void list(PrintStream out) {
        out.println("benchmarks:");
        for (BenchmarkSuite b : BenchmarkSuite.values()) {
            out.printf("  %-17s %s%n", b.cliName(), b.description());
        }
    }
}
