package io.mailgateway.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real SMTP server on loopback (blocking sockets, one thread per connection) that records what
 * it receives: the next hop in delivery tests. How it answers RCPT is chosen by the recipient's
 * local part, so tests sharing one server never disturb each other:
 * <ul>
 *   <li>{@code tempN-...}: 450 4.2.0 for the first N RCPTs of that address, then 250;</li>
 *   <li>{@code down-...}: always 451 4.3.2;</li>
 *   <li>{@code perm-...}: 550 5.1.1;</li>
 *   <li>anything else: 250.</li>
 * </ul>
 * Every RCPT of an address is an attempt, recorded with its time; every completed DATA is a
 * {@link Received} message. {@link #setDown} makes it refuse connections (closed listener) and
 * {@link #setUp} listen again on the same port.
 */
public final class CaptureSmtpServer implements AutoCloseable {

    /** One message as received: envelope and the bytes after dot-unstuffing. */
    public record Received(String mailFrom, List<String> recipients, byte[] data, long at) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private static final Pattern TEMP = Pattern.compile("temp([0-9]+)-.*");

    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "capture-smtp");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<Long>> attempts = new ConcurrentHashMap<>();
    private final List<Received> messages = new CopyOnWriteArrayList<>();
    private volatile ServerSocket listener;
    private final int port;

    private CaptureSmtpServer(ServerSocket listener) {
        this.listener = listener;
        this.port = listener.getLocalPort();
        accept(listener);
    }

    public static CaptureSmtpServer start() throws IOException {
        return new CaptureSmtpServer(new ServerSocket(0, 100, InetAddress.getLoopbackAddress()));
    }

    public int port() {
        return port;
    }

    /** Times (epoch ms) at which RCPT for this address came, in order. */
    public List<Long> attempts(String address) {
        return List.copyOf(attempts.getOrDefault(address.toLowerCase(Locale.ROOT), List.of()));
    }

    /** Messages whose accepted recipients include this address. */
    public List<Received> messagesFor(String address) {
        return messages.stream().filter(m -> m.recipients().contains(address.toLowerCase(Locale.ROOT))).toList();
    }

    public List<Received> messages() {
        return List.copyOf(messages);
    }

    /** Stops listening: connections are refused (the next hop is down). */
    public synchronized void setDown() throws IOException {
        listener.close();
    }

    /** Listens again on the same port. */
    public synchronized void setUp() throws IOException {
        if (listener.isClosed()) {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
            listener = s;
            accept(s);
        }
    }

    private void accept(ServerSocket s) {
        threads.execute(() -> {
            while (!s.isClosed()) {
                try {
                    Socket c = s.accept();
                    threads.execute(() -> session(c));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private void session(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            reply(out, "220 capture.test ESMTP");
            String from = null;
            List<String> rcpts = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null) {
                String upper = line.toUpperCase(Locale.ROOT);
                if (upper.startsWith("EHLO")) {
                    reply(out, "250-capture.test\r\n250-8BITMIME\r\n250 SIZE 104857600");
                } else if (upper.startsWith("HELO")) {
                    reply(out, "250 capture.test");
                } else if (upper.startsWith("MAIL FROM:")) {
                    from = path(line.substring(10));
                    rcpts.clear();
                    reply(out, "250 2.1.0 Ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    String rcpt = path(line.substring(8)).toLowerCase(Locale.ROOT);
                    reply(out, rcpt(rcpt, rcpts));
                } else if (upper.equals("DATA")) {
                    if (from == null || rcpts.isEmpty()) {
                        reply(out, "554 5.5.1 No valid recipients");
                        continue;
                    }
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    byte[] data = readData(in);
                    messages.add(new Received(from, List.copyOf(rcpts), data, System.currentTimeMillis()));
                    reply(out, "250 2.0.0 Ok: queued");
                    from = null;
                    rcpts.clear();
                } else if (upper.equals("RSET")) {
                    from = null;
                    rcpts.clear();
                    reply(out, "250 2.0.0 Ok");
                } else if (upper.equals("QUIT")) {
                    reply(out, "221 2.0.0 Bye");
                    return;
                } else if (upper.equals("NOOP")) {
                    reply(out, "250 2.0.0 Ok");
                } else {
                    reply(out, "502 5.5.2 Command not recognized");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private String rcpt(String rcpt, List<String> accepted) {
        List<Long> times = attempts.computeIfAbsent(rcpt, k -> new CopyOnWriteArrayList<>());
        times.add(System.currentTimeMillis());
        String local = rcpt.substring(0, rcpt.indexOf('@'));
        Matcher temp = TEMP.matcher(local);
        if (temp.matches() && times.size() <= Integer.parseInt(temp.group(1))) {
            return "450 4.2.0 Mailbox busy, try again later";
        }
        if (local.startsWith("down-")) {
            return "451 4.3.2 System not accepting network messages";
        }
        if (local.startsWith("perm-")) {
            return "550 5.1.1 Recipient address rejected: User unknown";
        }
        accepted.add(rcpt);
        return "250 2.1.5 Ok";
    }

    private static String path(String arg) {
        String a = arg.trim();
        int lt = a.indexOf('<');
        int gt = a.indexOf('>');
        return lt >= 0 && gt > lt ? a.substring(lt + 1, gt) : a;
    }

    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        String line;
        while ((line = readLineRaw(in)) != null) {
            if (line.equals(".")) {
                break;
            }
            // RFC 5321 4.5.2: a leading dot was doubled by the sender
            data.write((line.startsWith(".") ? line.substring(1) : line).getBytes(StandardCharsets.ISO_8859_1));
            data.write('\r');
            data.write('\n');
        }
        return data.toByteArray();
    }

    private static String readLine(InputStream in) throws IOException {
        String raw = readLineRaw(in);
        return raw == null ? null : new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** One line without its CRLF, bytes as ISO-8859-1 chars. */
    private static String readLineRaw(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = b.length();
                if (len > 0 && b.charAt(len - 1) == '\r') {
                    b.setLength(len - 1);
                }
                return b.toString();
            }
            b.append((char) c);
        }
        return null;
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
