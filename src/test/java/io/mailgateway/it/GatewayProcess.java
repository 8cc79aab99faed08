package io.mailgateway.it;

import static org.awaitility.Awaitility.await;

import io.mailgateway.config.Setting;
import io.mailgateway.config.Settings;
import io.mailgateway.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packaged gateway ({@code target/mail-gateway.jar}, path from the system property
 * {@code gateway.jar} that failsafe sets) in its own JVM, as an operator runs it: configured by
 * environment variables only, stdout and stderr in one log file, stopped with SIGTERM or SIGKILL.
 *
 * <p>Lifecycle: {@link #start} (waits for the 220 greeting) or {@link #launch} (does not wait,
 * for startup failures); always {@link #close} it (try-with-resources), which SIGKILLs a process
 * that is still running and prints its log into the test's output report.
 */
final class GatewayProcess implements AutoCloseable {

    /** A start budget, not a measurement: a loaded 2-core machine once took 17 s for SQLite migrations alone. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

    private static final AtomicInteger LAUNCHES = new AtomicInteger();

    /**
     * JVM options of every gateway and command these tests start: the client compiler only.
     * A test gateway lives seconds to a minute, so the server compiler's work at start-up
     * (about 40 % of a start's CPU, measured: 11.8 s against 6.9 s) would never pay off, and
     * several gateways share this machine's cores. Behaviour is the same; speed is not measured here.
     */
    static final List<String> TEST_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");

    private final Process process;
    private final Path log;
    private final int port;
    private final boolean proxyProtocol;

    private GatewayProcess(Process process, Path log, int port, boolean proxyProtocol) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.proxyProtocol = proxyProtocol;
    }

    /** A port free right now, outside the ephemeral range ({@link FreePorts}); never a fixed well-known one. */
    static int freePort() {
        return FreePorts.next();
    }

    /** Starts the jar in {@code workDir} and waits (at most 60 s) until its SMTP port answers 220. */
    static GatewayProcess start(Path workDir, Map<String, String> env, String... jvmArgs) throws IOException {
        GatewayProcess p = launch(workDir, env, jvmArgs);
        try {
            p.awaitGreeting();
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    /**
     * Starts the jar without waiting for it. The environment is this JVM's minus every gateway
     * key (Settings.ALL) and CAMEL_* variable, plus {@code env}; without SMTP_PORT or BROKER_PORT
     * in {@code env} free ports are used, so no test ever binds the defaults 2525 and 61616.
     */
    static GatewayProcess launch(Path workDir, Map<String, String> env, String... jvmArgs) throws IOException {
        return launch(workDir, env, List.of("-jar", jar().toString()), jvmArgs);
    }

    private static GatewayProcess launch(Path workDir, Map<String, String> env, List<String> main, String... jvmArgs)
            throws IOException {
        Map<String, String> effective = new HashMap<>(env);
        effective.computeIfAbsent("SMTP_PORT", k -> String.valueOf(freePort()));
        // never the fixed 9090 (several gateways run at once), never the sandbox's resolver
        effective.computeIfAbsent("METRICS_PORT", k -> "0");
        effective.computeIfAbsent("HTTP_PORT", k -> "0");
        // never the fixed 2587/2465 either; a test that wants them sets a free port
        effective.computeIfAbsent("SUBMISSION_PORT", k -> "-1");
        effective.computeIfAbsent("SMTPS_PORT", k -> "-1");
        effective.computeIfAbsent("DNS_SERVERS", k -> "127.0.0.1:" + loopbackDns().address().getPort());
        // The broker's administrative port (queue CLI): never the default 61616, which parallel builds share.
        effective.computeIfAbsent("BROKER_PORT", k -> String.valueOf(freePort()));
        String smtpPort = effective.get("SMTP_PORT");
        int port = smtpPort.matches("[0-9]{1,5}") ? Integer.parseInt(smtpPort) : -1;

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(TEST_JVM_OPTIONS);
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(main);

        Files.createDirectories(workDir);
        Path log = workDir.resolve("gateway-" + LAUNCHES.incrementAndGet() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = pb.environment();
        for (Setting s : Settings.ALL) {
            environment.remove(s.key());
        }
        io.mailgateway.config.TuningGuide.KEYS.forEach(environment::remove);
        environment.keySet().removeIf(k -> k.startsWith("CAMEL_"));
        environment.putAll(effective);
        return new GatewayProcess(pb.start(), log, port, "true".equals(effective.get("PROXY_PROTOCOL")));
    }

    private static io.mailgateway.policy.dns.LoopbackDnsServer dns;

    /** One DNS server on loopback for every launched gateway: empty zone, so every check gives "none" fast. */
    static synchronized io.mailgateway.policy.dns.LoopbackDnsServer loopbackDns() {
        if (dns == null) {
            try {
                dns = new io.mailgateway.policy.dns.LoopbackDnsServer();
            } catch (java.net.SocketException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dns;
    }

    /** What a command of the jar ({@code queue list}...) printed and returned. */
    record CommandResult(int status, String out, String err) {
    }

    /**
     * Runs {@code java -jar mail-gateway.jar ARGS} to its end (at most 60 s) with this JVM's
     * environment minus the gateway keys, plus {@code env}: a command as an operator types it.
     */
    static CommandResult command(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return commandWithInput(workDir, env, "", args);
    }

    /** {@link #command} with {@code stdin} as the command's standard input (the user commands' passwords). */
    static CommandResult commandWithInput(Path workDir, Map<String, String> env, String stdin, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(TEST_JVM_OPTIONS);
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, "command", ".out");
        Path err = Files.createTempFile(workDir, "command", ".err");
        Path in = Files.createTempFile(workDir, "command", ".in");
        Files.writeString(in, stdin);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        for (Setting s : Settings.ALL) {
            pb.environment().remove(s.key());
        }
        pb.environment().putAll(env);
        Process process = pb.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " still running after 60 s");
        }
        return new CommandResult(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("gateway.jar", "target/mail-gateway.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no gateway jar at " + jar + ": run ./mvnw package first");
        }
        return jar;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process wrote to stdout and stderr so far. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed cleanly. Waits for the process to be gone. */
    void kill9() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gateway " + process.pid() + " survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM and wait at most 30 s; returns the exit status. */
    int terminate() {
        return terminate(Duration.ofSeconds(30));
    }

    /**
     * SIGTERM (what systemd or docker stop send) and wait at most {@code timeout}; returns the
     * exit status. A process still running then is SIGKILLed and the call fails.
     */
    int terminate(Duration timeout) {
        process.destroy();
        int status = awaitExit(timeout);
        if (status == Integer.MIN_VALUE) {
            kill9();
            throw new AssertionError("gateway did not exit within " + timeout + " of SIGTERM; log:\n" + log());
        }
        return status;
    }

    /** Waits for the process to end on its own; its exit status, or Integer.MIN_VALUE on timeout. */
    int awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : Integer.MIN_VALUE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Integer.MIN_VALUE;
        }
    }

    private void awaitGreeting() {
        awaitGreetingWithin(STARTUP_TIMEOUT);
    }

    /** For a process {@link #launch}ed beside others that start at the same time (a cluster's nodes). */
    void awaitGreetingWithin(Duration timeout) {
        if (port <= 0) {
            throw new IllegalArgumentException("no usable SMTP_PORT to wait for");
        }
        await("220 greeting on port " + port).atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(this::greets);
    }

    /** One probe: connect, read a 220 line, QUIT. Fails fast when the process has died. */
    private boolean greets() {
        if (!process.isAlive()) {
            throw new IllegalStateException("gateway exited with status " + process.exitValue() + " before its 220; log:\n" + log());
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(5000);
            if (proxyProtocol) {
                // a listener behind HAProxy greets only after a PROXY header (v1 here)
                s.getOutputStream().write("PROXY TCP4 127.0.0.1 127.0.0.1 40000 25\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            InputStream in = s.getInputStream();
            byte[] code = in.readNBytes(3);
            if (!"220".equals(new String(code, StandardCharsets.US_ASCII))) {
                return false;
            }
            OutputStream out = s.getOutputStream();
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** SIGKILLs the process if still running and copies its log into the test's output report. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
        String text = log();
        int max = 200_000;
        System.out.printf("----- gateway pid %d log %s%s -----%n%s%n----- end of gateway log -----%n", process.pid(), log,
                text.length() > max ? " (last " + max + " chars)" : "",
                text.length() > max ? text.substring(text.length() - max) : text);
    }
}
