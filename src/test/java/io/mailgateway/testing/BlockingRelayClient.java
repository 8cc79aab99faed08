package io.mailgateway.testing;

import io.mailgateway.delivery.RelayClient;
import io.mailgateway.delivery.RelayEnvelope;
import io.mailgateway.delivery.RelayResult;
import io.mailgateway.delivery.RemoteReply;
import io.mailgateway.message.MessageContent;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal {@link RelayClient} for tests: blocking sockets, plain SMTP (EHLO, MAIL, RCPT each,
 * DATA), no PIPELINING, no TLS, a new connection per transaction. The gateway's real client is
 * the relay work's Netty client; this one lets the delivery queue be tested end to end.
 */
public final class BlockingRelayClient implements RelayClient {

    @Override
    public RelayResult send(List<InetSocketAddress> hosts, RelayEnvelope envelope, MessageContent message) {
        RemoteReply failure = new RemoteReply(451, "4.4.1 No next hop host given");
        String host = "(none)";
        for (InetSocketAddress address : hosts) {
            host = address.getHostString();
            try {
                return new RelayResult(transaction(address, envelope, message), host);
            } catch (IOException e) {
                failure = new RemoteReply(451, "4.4.1 Connection to " + host + ":" + address.getPort() + " failed: " + e.getMessage());
            }
        }
        Map<String, RemoteReply> all = new LinkedHashMap<>();
        for (String r : envelope.recipients()) {
            all.put(r, failure);
        }
        return new RelayResult(all, host);
    }

    private static Map<String, RemoteReply> transaction(InetSocketAddress address, RelayEnvelope envelope, MessageContent message)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), 5000);
            socket.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            Map<String, RemoteReply> replies = new LinkedHashMap<>();
            RemoteReply r = read(in);
            if (!r.isPositive()) {
                return all(envelope, r);
            }
            r = command(in, out, "EHLO relay.test.client");
            if (!r.isPositive()) {
                r = command(in, out, "HELO relay.test.client");
            }
            r = command(in, out, "MAIL FROM:<" + envelope.mailFrom() + ">");
            if (!r.isPositive()) {
                return all(envelope, r);
            }
            boolean any = false;
            for (String rcpt : envelope.recipients()) {
                RemoteReply rr = command(in, out, "RCPT TO:<" + rcpt + ">");
                replies.put(rcpt, rr);
                any |= rr.isPositive();
            }
            if (!any) {
                command(in, out, "QUIT");
                return replies;
            }
            RemoteReply data = command(in, out, "DATA");
            if (data.code() != 354) {
                replies.replaceAll((k, v) -> v.isPositive() ? data : v);
                return replies;
            }
            try (InputStream body = message.openStream()) {
                dotStuff(body, out);
            }
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RemoteReply end = read(in);
            replies.replaceAll((k, v) -> v.isPositive() ? end : v);
            command(in, out, "QUIT");
            return replies;
        }
    }

    private static Map<String, RemoteReply> all(RelayEnvelope envelope, RemoteReply r) {
        Map<String, RemoteReply> m = new LinkedHashMap<>();
        envelope.recipients().forEach(x -> m.put(x, r));
        return m;
    }

    /** RFC 5321 4.5.2: a line starting with '.' gets another; the body ends with CRLF before the final dot. */
    private static void dotStuff(InputStream body, OutputStream out) throws IOException {
        boolean lineStart = true;
        int last = -1;
        byte[] buf = new byte[8192];
        int n;
        while ((n = body.read(buf)) > 0) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (lineStart && b == '.') {
                    out.write('.');
                }
                out.write(b);
                lineStart = b == '\n';
                last = b;
            }
        }
        if (last != '\n') {
            out.write('\r');
            out.write('\n');
        }
    }

    private static RemoteReply command(InputStream in, OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return read(in);
    }

    private static RemoteReply read(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            String line = readLine(in);
            if (line == null || line.length() < 3) {
                throw new IOException("connection closed before a complete reply");
            }
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new RemoteReply(Integer.parseInt(line.substring(0, 3)), text.toString());
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
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

    @Override
    public void close() {
    }
}
