package io.mailgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's redis-server (apt-get install redis-server; .ci/run installs it) in the foreground on
 * a free loopback port, with nothing on disk ({@code --save '' --appendonly no}) and its working
 * directory in a temporary one. It can be stopped and started again on the same port, as Redis
 * going away and coming back under a running gateway.
 *
 * <p>Lifecycle: {@link #start} (waits until PING answers PONG), {@link #stop} / {@link #restart},
 * {@link #pause} / {@link #resume}, {@link #close}.
 */
public final class RedisProcess implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final Path dir;
    private final int port;
    private Process process;

    private RedisProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static RedisProcess start(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("Debian's redis-server is needed (apt-get install redis-server; .ci/run installs it)");
        }
        RedisProcess redis = new RedisProcess(Files.createDirectories(dir), LocalDaemon.freePort());
        redis.restart();
        return redis;
    }

    public int port() {
        return port;
    }

    /** Starts it (again) on its port, empty. */
    public synchronized void restart() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server is running");
        }
        Path log = dir.resolve("redis.log");
        process = new ProcessBuilder(BINARY.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toAbsolutePath().toString(), "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        LocalDaemon.awaitReady("redis-server", process, log, Duration.ofSeconds(30), this::answersPing);
    }

    private boolean answersPing() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        }
    }

    /** Stops it (SIGTERM) and waits until it has exited: its port refuses connections. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    /** SIGSTOP: it keeps its connections open but answers nothing, as an overloaded or hung Redis. */
    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause}: it answers what was asked meanwhile. */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private synchronized void signal(String signal) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill " + signal + " redis-server exited with " + exit);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
