package io.mailgateway.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Debian's clamd (apt-get install clamav-daemon; .ci/run installs it) in the foreground with a
 * clamd.conf of its own in a temporary directory: TCPSocket on a free loopback port and a
 * LocalSocket in the directory, StreamMaxLength {@value #STREAM_MAX_LENGTH}, and a signature
 * database holding one signature only, written here: the EICAR test string as a body-based
 * (.ndb) signature, so no freshclam download and a start in a second or two.
 *
 * <p>Lifecycle: {@link #start} (waits until {@code zPING} answers {@code PONG}), {@link #stop} or
 * {@link #close}.
 */
public final class ClamdProcess implements AutoCloseable {

    /** The EICAR anti-virus test file (eicar.org): every scanner reports it, it is harmless. */
    public static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    public static final String STREAM_MAX_LENGTH = "1M";

    private final Process process;
    private final int port;
    private final Path socket;
    private final Path dir;

    private ClamdProcess(Process process, int port, Path socket, Path dir) {
        this.process = process;
        this.port = port;
        this.socket = socket;
        this.dir = dir;
    }

    public static ClamdProcess start(Path dir) throws IOException, InterruptedException {
        Path binary = Path.of("/usr/sbin/clamd");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Debian's clamd is needed (apt-get install clamav-daemon; .ci/run installs it)");
        }
        Path db = Files.createDirectories(dir.resolve("db"));
        // ndb: name:target type (0 = any file):offset (* = anywhere):hex of the bytes
        Files.writeString(db.resolve("eicar-test.ndb"), "Eicar-Test-Signature:0:*:"
                + HexFormat.of().formatHex(EICAR.getBytes(StandardCharsets.US_ASCII)) + "\n");
        int port = LocalDaemon.freePort();
        Path socket = dir.resolve("clamd.sock").toAbsolutePath();
        Files.writeString(dir.resolve("clamd.conf"), """
                DatabaseDirectory %s
                TCPSocket %d
                TCPAddr 127.0.0.1
                LocalSocket %s
                Foreground yes
                LogFile %s
                PidFile %s
                StreamMaxLength %s
                SelfCheck 0
                """.formatted(db.toAbsolutePath(), port, socket, dir.resolve("clamd.log").toAbsolutePath(),
                dir.resolve("clamd.pid").toAbsolutePath(), STREAM_MAX_LENGTH));
        Process p = new ProcessBuilder(binary.toString(), "-c", dir.resolve("clamd.conf").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("clamd.out").toFile()).start();
        ClamdProcess c = new ClamdProcess(p, port, socket, dir);
        c.awaitReady(Duration.ofSeconds(60));
        return c;
    }

    public int port() {
        return port;
    }

    /** CLAMD_ADDRESS for the TCP socket. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** CLAMD_ADDRESS for the unix socket. */
    public Path socket() {
        return socket;
    }

    private void awaitReady(Duration limit) throws IOException, InterruptedException {
        LocalDaemon.awaitReady("clamd", process, dir.resolve("clamd.out"), limit, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("zPING\0".getBytes(StandardCharsets.US_ASCII));
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).startsWith("PONG");
            }
        });
    }

    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
