package io.mailgateway.delivery;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small scriptable SMTP server for client tests, on a real loopback socket: records every
 * command line and the exact DATA bytes of each session, replies from a script per command
 * (default: accept everything), and can hold replies back, stay silent or do STARTTLS.
 *
 * <p>Script keys: "CONNECT" for the greeting, the command line otherwise ("MAIL FROM:<a@b>"),
 * "." for the reply after end of data. BDAT (RFC 3030) is served when {@link #extensions} lists
 * CHUNKING: the exact octets of each chunk are read and a message's chunks kept together in
 * {@link Session#data}; the script key is the BDAT line. A script returns the whole reply (lines separated by
 * "\n"), {@link #SILENT} to never answer, or null for the default.
 */
final class CaptureSmtpServer implements AutoCloseable {

    static final String SILENT = "<silent>";

    /** One connection as seen by the server. */
    static final class Session {
        final List<String> commands = new CopyOnWriteArrayList<>();
        /** For each command, how many replies the server had sent when it arrived. */
        final List<Integer> repliesBefore = new CopyOnWriteArrayList<>();
        /** Wire bytes of each message's DATA (dot-stuffed, up to the final dot), if kept. */
        final List<byte[]> data = new CopyOnWriteArrayList<>();
        /** SHA-256 (hex) and length of each message after dot-unstuffing, as a receiver stores it. */
        final List<String> sha256 = new CopyOnWriteArrayList<>();
        final List<Long> sizes = new CopyOnWriteArrayList<>();
        /** Per command (first occurrence): complete lines already received when its reply went out. */
        final java.util.Map<String, Integer> pendingAtReply = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean tls;
        volatile String sni;
        /** The chunks of the message being sent with BDAT, until its LAST chunk. */
        private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        private int replies;
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    volatile Function<String, String> script = c -> null;
    volatile String extensions = "PIPELINING\nSIZE 104857600\n8BITMIME\nSMTPUTF8";
    volatile SSLContext tls;
    /** STARTTLS answered 220, then garbage instead of a handshake. */
    volatile boolean brokenTls;
    /** The reply sent right after the 354, before any content is read; then the server closes. */
    volatile String replyAtDataStart;
    /** Sent in plaintext right after the 220 to STARTTLS (as a man in the middle would inject it), then TLS as usual. */
    volatile String plaintextAfterStartTls;
    volatile long replyDelayMillis;
    volatile boolean keepData = true;

    CaptureSmtpServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "capture-smtp-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** The address under a host name (kept for SNI; the IP stays loopback). */
    InetSocketAddress address(String hostName) throws IOException {
        return new InetSocketAddress(InetAddress.getByAddress(hostName, InetAddress.getLoopbackAddress().getAddress()),
                server.getLocalPort());
    }

    List<Session> sessions() {
        return sessions;
    }

    Session last() {
        return sessions.get(sessions.size() - 1);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Session session = new Session();
                sessions.add(session);
                Thread t = new Thread(() -> serve(s, session), "capture-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, Session session) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            OutputStream out = socket.getOutputStream();
            if (!reply(in, out, session, "CONNECT", "220 capture.test ESMTP")) {
                return;
            }
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                synchronized (session) {
                    session.commands.add(line);
                    session.repliesBefore.add(session.replies);
                }
                String upper = line.toUpperCase();
                if (upper.startsWith("EHLO")) {
                    String ext = ((tls != null || brokenTls) && !session.tls ? "STARTTLS\n" : "") + extensions;
                    StringBuilder ehlo = new StringBuilder("250 capture.test");
                    ext.strip().lines().filter(l -> !l.isBlank()).forEach(l -> ehlo.append("\n250 ").append(l));
                    if (!reply(in, out, session, line, ehlo.toString())) {
                        return;
                    }
                } else if (upper.equals("STARTTLS") && (tls != null || brokenTls)) {
                    String injected = plaintextAfterStartTls;
                    if (injected != null) {
                        // in the same write, so the client receives it with the 220, before it can start TLS
                        out.write(("220 2.0.0 ready\r\n" + injected).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        synchronized (session) {
                            session.replies++;
                        }
                    } else if (!reply(in, out, session, line, "220 2.0.0 ready")) {
                        return;
                    }
                    if (brokenTls) {
                        out.write("this is not TLS\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        return;
                    }
                    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, true);
                    ssl.setUseClientMode(false);
                    ssl.startHandshake();
                    session.tls = true;
                    javax.net.ssl.ExtendedSSLSession s = (javax.net.ssl.ExtendedSSLSession) ssl.getSession();
                    session.sni = s.getRequestedServerNames().stream()
                            .map(n -> new String(n.getEncoded(), StandardCharsets.US_ASCII)).findFirst().orElse(null);
                    in = new BufferedInputStream(ssl.getInputStream(), 64 * 1024);
                    out = ssl.getOutputStream();
                } else if (upper.equals("DATA")) {
                    if (!reply(in, out, session, line, "354 3.0.0 go ahead")) {
                        return;
                    }
                    String r = script.apply("DATA");
                    if (r != null && !r.startsWith("354")) {
                        continue; // the script refused DATA: no content follows
                    }
                    String early = replyAtDataStart;
                    if (early != null) {
                        // refuse the content before its end: reply, close our side, read no more
                        out.write((early + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        socket.shutdownOutput();
                        sleepQuietly(2_000); // the client reads the reply and the close before the reset
                        return;
                    }
                    readData(in, session);
                    if (!reply(in, out, session, ".", "250 2.0.0 Ok: queued")) {
                        return;
                    }
                } else if (upper.startsWith("BDAT ") && extensions.contains("CHUNKING")) {
                    if (!chunk(in, out, session, line)) {
                        return;
                    }
                } else if (upper.equals("QUIT")) {
                    reply(in, out, session, line, "221 2.0.0 bye");
                    return;
                } else {
                    if (!reply(in, out, session, line, upper.startsWith("RCPT") || upper.startsWith("MAIL")
                            || upper.startsWith("RSET") || upper.startsWith("HELO") ? "250 2.0.0 Ok" : "502 5.5.1 unknown")) {
                        return;
                    }
                }
            }
        } catch (IOException | NoSuchAlgorithmException e) {
            // the client went away
        }
    }

    /** BDAT n [LAST]: reads exactly n octets, answers; the LAST chunk completes a message. */
    private boolean chunk(InputStream in, OutputStream out, Session session, String line)
            throws IOException, NoSuchAlgorithmException {
        String[] parts = line.trim().split(" +");
        int size = Integer.parseInt(parts[1]);
        boolean last = parts.length > 2 && parts[2].equalsIgnoreCase("LAST");
        byte[] octets = in.readNBytes(size);
        if (octets.length < size) {
            throw new IOException("eof in a BDAT chunk");
        }
        session.chunks.write(octets);
        String scripted = script.apply(line);
        if (scripted != null && !scripted.startsWith("2")) {
            session.chunks.reset(); // RFC 3030 2: a refused chunk fails the transaction
            return reply(in, out, session, line, scripted);
        }
        if (last) {
            byte[] message = session.chunks.toByteArray();
            session.chunks.reset();
            session.data.add(message);
            session.sha256.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(message)));
            session.sizes.add((long) message.length);
            return reply(in, out, session, line, "250 2.0.0 Ok: queued");
        }
        return reply(in, out, session, line, "250 2.0.0 " + size + " octets received");
    }

    /** Sends the scripted or default reply; false when the script says to stay silent. */
    private boolean reply(InputStream in, OutputStream out, Session session, String key, String def) throws IOException {
        String r = script.apply(key);
        if (r == null) {
            r = def;
        }
        if (r.equals(SILENT)) {
            sleepQuietly(Long.MAX_VALUE);
            return false;
        }
        if (replyDelayMillis > 0) {
            sleepQuietly(replyDelayMillis);
        }
        session.pendingAtReply.putIfAbsent(key, pendingLines(in));
        String[] lines = r.split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            String code = l.substring(0, 3);
            String text = l.length() > 4 ? l.substring(4) : "";
            sb.append(code).append(i == lines.length - 1 ? ' ' : '-').append(text).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        synchronized (session) {
            session.replies++;
        }
        boolean closing = r.startsWith("421");
        return !closing;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Complete lines the client sent that the server has not read yet (peeked, not consumed). */
    private static int pendingLines(InputStream in) throws IOException {
        if (!(in instanceof BufferedInputStream b)) {
            return 0;
        }
        b.mark(1 << 20);
        byte[] peek = new byte[Math.min(b.available(), 1 << 20)];
        int n = b.read(peek, 0, peek.length);
        b.reset();
        int lines = 0;
        for (int i = 0; i < n; i++) {
            if (peek[i] == '\n') {
                lines++;
            }
        }
        return lines;
    }

    private void readData(InputStream in, Session session) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        long size = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            line.reset();
            int b;
            while ((b = in.read()) >= 0) {
                line.write(b);
                if (b == '\n') {
                    break;
                }
            }
            if (b < 0) {
                throw new IOException("eof in data");
            }
            byte[] l = line.toByteArray();
            if (keepData) {
                wire.write(l);
            }
            if (l.length == 3 && l[0] == '.' && l[1] == '\r') {
                break;
            }
            int off = l.length > 0 && l[0] == '.' ? 1 : 0; // RFC 5321 4.5.2 unstuffing
            sha.update(l, off, l.length - off);
            size += l.length - off;
        }
        session.data.add(wire.toByteArray());
        session.sha256.add(HexFormat.of().formatHex(sha.digest()));
        session.sizes.add(size);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return null;
    }

    /** Closes every client connection, as a server does to idle clients. */
    void dropConnections() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** Commands of every session, in order. */
    List<String> allCommands() {
        List<String> all = new ArrayList<>();
        sessions.forEach(s -> all.addAll(s.commands));
        return all;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
