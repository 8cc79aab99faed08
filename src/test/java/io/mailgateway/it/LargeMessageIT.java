package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.store.archive.ArchiveReader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded memory: 8 messages of 50 MiB at once (400 MiB in flight) into a gateway whose heap is
 * 256 MiB, stored in the Maildir and the archive. Every one gets "250 2.0.0", the process
 * survives, and each Maildir file is the message exactly as sent (after dot-unstuffing) behind the
 * Return-Path and Received headers the gateway prepends: same size, same SHA-256; so is each
 * archived mbox entry, behind its From, queue ID and Received lines.
 *
 * <p>The test itself never holds a message either: each is generated line by line while it is
 * sent, hashed on the way, and checked by streaming the Maildir file.
 */
class LargeMessageIT {

    private static final int MESSAGES = 8;
    private static final long TARGET_SIZE = 50L * 1024 * 1024;
    private static final String SENDER = "big-sender@example.org";
    private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 .*queued as (\\S+)");

    @TempDir
    Path dir;

    /** What the client sent: the queue ID from the 250, the message size and SHA-256 as meant (unstuffed). */
    record Sent(String rcpt, String queueId, long size, String sha256) {
    }

    @Test
    void should_accept_eight_concurrent_50_mib_messages_with_a_256_mib_heap() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> env = Map.of(
                "DATA_DIR", data.toString(),
                "SMTP_PORT", String.valueOf(GatewayProcess.freePort()),
                "SMTP_MAX_MESSAGE_SIZE", "60000000",
                "STORAGE_TYPE", "maildir,archive");
        try (GatewayProcess gateway = GatewayProcess.start(dir, env, "-Xmx256m")) {
            assertThat(ProcessHandle.of(gateway.pid()).flatMap(h -> h.info().arguments()).map(List::of).orElse(List.of()))
                    .as("the gateway JVM's arguments").contains("-Xmx256m");
            List<Sent> sent = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(MESSAGES);
            try {
                List<Future<Sent>> sending = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    int n = i;
                    sending.add(pool.submit(() -> send(gateway.port(), n, "big" + n + "@example.com")));
                }
                for (Future<Sent> f : sending) {
                    sent.add(f.get(150, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(gateway.isAlive()).as("gateway alive after accepting").isTrue();

            await("all 8 large messages in the Maildir").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Maildirs.delivered(data).size() >= MESSAGES);
            String log = gateway.log();
            for (Sent s : sent) {
                assertThat(log).as("the gateway counted the octets we sent")
                        .contains(s.queueId() + ": accepted from=<" + SENDER + "> ip=127.0.0.1 rcpts=1 to=<" + s.rcpt() + "> size="
                                + s.size() + " ");
                List<Maildirs.Delivered> files = Maildirs.ofQueueId(data, s.queueId());
                assertThat(files).as("files of %s", s).hasSize(1);
                assertThat(files.get(0).mailbox()).isEqualTo(s.rcpt());
                checkStoredCopy(files.get(0).file(), s);
            }
            // The archive store streams them too (a temporary file each), fsynced before the ack.
            await("all 8 large messages in the archive").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> archivedIds(data).containsAll(sent.stream().map(Sent::queueId).toList()));
            for (Sent s : sent) {
                checkArchivedCopy(data, s);
            }
            try (Stream<Path> archived = Files.walk(data.resolve("archive"))) {
                assertThat(archived.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList())
                        .as("temporary archive files left").isEmpty();
            }
            assertThat(gateway.isAlive()).as("gateway alive after storing").isTrue();
            // Disk is bounded too: once stored, no spool file and no broker large-message file is left.
            await("spool and broker large-message files cleaned up").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> filesIn(data.resolve("spool"), ".eml") + filesIn(data.resolve("broker/large-messages"), "") == 0);
            assertThat(gateway.log()).doesNotContain("OutOfMemoryError").doesNotContain("Java heap space");
        }
    }

    /** One SMTP session that streams one generated message of about 50 MiB. */
    private static Sent send(int port, int n, String rcpt) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long size = 0;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(120_000); // the 250 comes after the broker has the whole message on disk
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            expect(in, "220");
            command(out, "EHLO big.client.test");
            expect(in, "250");
            command(out, "MAIL FROM:<" + SENDER + "> SIZE=" + (TARGET_SIZE + 1000));
            expect(in, "250 2.1.0");
            command(out, "RCPT TO:<" + rcpt + ">");
            expect(in, "250 2.1.5");
            command(out, "DATA");
            expect(in, "354");

            byte[] header = ("From: <" + SENDER + ">\r\nTo: <" + rcpt + ">\r\nSubject: large message " + n
                    + "\r\nMessage-ID: <large-" + n + "@client.test>\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            out.write(header);
            sha.update(header);
            size += header.length;
            LineGenerator lines = new LineGenerator(n);
            while (size + LineGenerator.LINE_LENGTH <= TARGET_SIZE) {
                byte[] line = lines.next();
                if (line[0] == '.') {
                    out.write('.'); // dot-stuffing (RFC 5321 4.5.2): not part of the message
                }
                out.write(line);
                sha.update(line);
                size += line.length;
            }
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = expect(in, "250 2.0.0");
            Matcher m = QUEUED.matcher(reply);
            assertThat(m.find()).as("queue ID in %s", reply).isTrue();
            command(out, "QUIT");
            return new Sent(rcpt, m.group(1), size, HexFormat.of().formatHex(sha.digest()));
        }
    }

    /**
     * The Maildir file is: Return-Path, Received (folded), Authentication-Results, then the message
     * as sent. The prefix length follows from the sizes; it must be exactly those headers, and the rest must hash
     * to what was sent.
     */
    private static void checkStoredCopy(Path file, Sent sent) throws IOException, NoSuchAlgorithmException {
        long fileSize = Files.size(file);
        long prefixLength = fileSize - sent.size();
        assertThat(prefixLength).as("prepended header bytes of %s (file %d octets)", file, fileSize).isBetween(40L, 1024L);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            String prefix = new String(in.readNBytes((int) prefixLength), StandardCharsets.ISO_8859_1);
            assertThat(prefix).startsWith("Return-Path: <" + SENDER + ">\r\nReceived: from big.client.test ")
                    .contains(" id " + sent.queueId())
                    .endsWith("\r\n");
            // Only the three headers: after Return-Path, Received and Authentication-Results
            // (RFC 8601) and their continuation lines.
            String[] lines = prefix.substring(0, prefix.length() - 2).split("\r\n");
            assertThat(lines[1]).startsWith("Received: ");
            assertThat(prefix).contains("\r\nAuthentication-Results: ");
            for (int i = 2; i < lines.length; i++) {
                assertThat(lines[i]).as("line %d of the prepended headers", i + 1).matches("[ \t].*|Authentication-Results: .*");
            }
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) > 0) {
                sha.update(buffer, 0, read);
            }
        }
        assertThat(HexFormat.of().formatHex(sha.digest())).as("SHA-256 of the message in %s", file).isEqualTo(sent.sha256());
    }

    private static List<String> archivedIds(Path data) throws IOException {
        ArchiveReader reader = new ArchiveReader(data.resolve("archive"), w -> { });
        List<String> ids = new ArrayList<>();
        for (LocalDate day : archiveDays()) {
            reader.list(day).forEach(h -> ids.addAll(h.queueIds()));
        }
        return ids;
    }

    private static List<LocalDate> archiveDays() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return List.of(today.minusDays(1), today);
    }

    /**
     * The archived mbox entry is: the From line, the queue ID line, the gateway's Received and
     * Authentication-Results headers, the message as sent (no line of it starts with "From "), and a blank line.
     */
    private void checkArchivedCopy(Path data, Sent sent) throws IOException, NoSuchAlgorithmException {
        Path extracted = dir.resolve("archived-" + sent.queueId() + ".mbox");
        int found = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(extracted), 64 * 1024)) {
            for (LocalDate day : archiveDays()) {
                found += new ArchiveReader(data.resolve("archive"), w -> { }).extract(day, sent.queueId(), out);
            }
        }
        assertThat(found).as("archived copies of %s", sent.queueId()).isEqualTo(1);
        long prefixLength = Files.size(extracted) - sent.size() - 2;
        assertThat(prefixLength).as("archive entry header bytes of %s", sent.queueId()).isBetween(60L, 1024L);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(extracted), 64 * 1024)) {
            String prefix = new String(in.readNBytes((int) prefixLength), StandardCharsets.ISO_8859_1);
            assertThat(prefix).startsWith("From " + SENDER + " ")
                    .contains("\r\nX-Mail-Gateway-Queue-Id: " + sent.queueId() + "\r\nReceived: from big.client.test ")
                    .endsWith("\r\n");
            byte[] buffer = new byte[64 * 1024];
            long left = sent.size();
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                assertThat(read).as("archived message of %s cut short", sent.queueId()).isPositive();
                sha.update(buffer, 0, read);
                left -= read;
            }
            assertThat(in.readAllBytes()).isEqualTo("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(HexFormat.of().formatHex(sha.digest())).as("SHA-256 of the archived message %s", sent.queueId())
                .isEqualTo(sent.sha256());
        Files.delete(extracted);
    }

    private static long filesIn(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix) && Files.isRegularFile(f)).count();
        }
    }

    private static void command(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads a (possibly multi-line) reply; returns its last line, which must start with {@code prefix}. */
    private static String expect(BufferedReader in, String prefix) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed, expected " + prefix);
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        assertThat(line).startsWith(prefix);
        return line;
    }

    /**
     * 76 printable characters + CRLF per line, different for every line and message; every 997th
     * line starts with '.', so the client must dot-stuff and the server unstuff.
     */
    static final class LineGenerator {
        static final int LINE_LENGTH = 78;
        private static final byte[] ALPHABET =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);

        private final byte[] line = new byte[LINE_LENGTH];
        private final int message;
        private long index;

        LineGenerator(int message) {
            this.message = message;
            line[76] = '\r';
            line[77] = '\n';
        }

        /** The next line (the same array, overwritten on each call). */
        byte[] next() {
            long i = index++;
            long v = i;
            for (int p = 11; p >= 0; p--) { // 12 decimal digits of the line number
                line[p] = (byte) ('0' + v % 10);
                v /= 10;
            }
            line[12] = ' ';
            int shift = (int) ((i * 7 + message * 13) % ALPHABET.length);
            for (int p = 13; p < 76; p++) {
                line[p] = ALPHABET[(shift + p) % ALPHABET.length];
            }
            if (i % 997 == 5) {
                line[0] = '.';
            }
            return line;
        }
    }
}
