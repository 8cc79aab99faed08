package io.mailgateway.metrics;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' own promtool, so the rules and the scrape are judged by the parser
 * Prometheus itself uses rather than by ours. Missing promtool fails the test (naming the
 * package) instead of skipping it: a skipped check is a check nobody notices is gone.
 */
final class Promtool {

    /** Exit code and combined stdout/stderr of one run. */
    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    static Result run(Path workDir, String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable().toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // A guard against a hung child, not a performance threshold: promtool answers at once.
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("promtool %s did not finish", args[0]);
        }
        return new Result(p.exitValue(), output);
    }

    private static Path executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("promtool is not on PATH: install Debian's `prometheus` package (apt-get install prometheus; .ci/run does when it is missing)");
    }
}
