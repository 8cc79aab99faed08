package io.mailgateway.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 API server for tests: s3proxy (target/s3proxy/s3proxy.jar, copied by the build)
 * as its own process with the jclouds filesystem backend, on a free loopback port. It can be
 * stopped and started again on the same port and directory, as an outage would look.
 */
public final class S3ProxyProcess implements AutoCloseable {

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";

    private final Path dir;
    private final int port;
    private Process process;

    private S3ProxyProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts on a free port with an empty temporary directory. */
    public static S3ProxyProcess start() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        S3ProxyProcess s3 = new S3ProxyProcess(Files.createTempDirectory("s3proxy"), port);
        s3.startAgain();
        return s3;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public Path blobDir() {
        return dir.resolve("blobs");
    }

    /** (Re)starts the server on the same port and directory; returns once it accepts connections. */
    public synchronized void startAgain() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        Files.createDirectories(blobDir());
        Path props = dir.resolve("s3proxy.properties");
        Files.write(props, List.of(
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + blobDir()));
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--properties", props.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
                .start();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> accepts() || !process.isAlive());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported below
        }
        if (!accepts()) {
            throw new IOException("s3proxy did not start on " + endpoint() + ", see " + dir.resolve("s3proxy.log"));
        }
    }

    /** Stops the server (as a crash would: the process is killed) and waits until it is gone. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
