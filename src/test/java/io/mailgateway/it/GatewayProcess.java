package io.mailgateway.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway ({@code target/mail-gateway.jar}) in its own JVM, as an operator runs it:
 * configured by environment variables, logging to a file, stoppable with SIGTERM or SIGKILL.
 */
final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    final int port;

    private GatewayProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the jar and waits until its SMTP port answers with 220 (or the process dies). */
    static GatewayProcess start(Path workDir, Map<String, String> env, String... jvmArgs) throws Exception {
        GatewayProcess p = launch(workDir, env, jvmArgs);
        p.awaitSmtp();
        return p;
    }

    /** Starts the jar without waiting for it (for startup failures). */
    static GatewayProcess launch(Path workDir, Map<String, String> env, String... jvmArgs) throws IOException {
        String smtpPort = env.getOrDefault("SMTP_PORT", "2525");
        int port = smtpPort.matches("[0-9]+") ? Integer.parseInt(smtpPort) : -1;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-jar");
        cmd.add(jar());
        Files.createDirectories(workDir);
        Path log = Files.createTempFile(workDir, "gateway", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return new GatewayProcess(pb.start(), log, port);
    }

    private static String jar() {
        String jar = System.getProperty("gateway.jar", "target/mail-gateway.jar");
        if (!new File(jar).isFile()) {
            throw new IllegalStateException("no gateway jar at " + jar + ": run ./mvnw package first");
        }
        return new File(jar).getAbsolutePath();
    }

    private void awaitSmtp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                byte[] greeting = new byte[3];
                if (s.getInputStream().readNBytes(greeting, 0, 3) == 3 && new String(greeting, StandardCharsets.US_ASCII).equals("220")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("gateway did not answer on port " + port + ":\n" + log());
    }

    /** SIGKILL: no shutdown hook, no clean broker stop. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns the exit status, or -1 if the process did not exit within the wait. */
    int terminate(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Waits for the process to exit by itself; returns its status, or -1 on timeout. */
    int awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
