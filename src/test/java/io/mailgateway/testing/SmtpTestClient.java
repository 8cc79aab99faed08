package io.mailgateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A raw SMTP client on a real socket, for dialog-style tests:
 * {@code c.send("MAIL FROM:<a@b>").expect(250, "2.1.0")}. Lines are sent exactly as given
 * plus CRLF; {@link #sendRaw} sends bytes untouched (for smuggling and chunk tests).
 */
public final class SmtpTestClient implements AutoCloseable {

    /** One reply: code, enhanced status (or "" if none), and the text of every line. */
    public record Reply(int code, String status, List<String> lines) {
        public String text() {
            return String.join("\n", lines);
        }
    }

    // replaced by the TLS socket after STARTTLS
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpTestClient(Socket socket) throws IOException {
        use(socket);
        socket.setSoTimeout(15_000);
    }

    private void use(Socket s) throws IOException {
        this.socket = s;
        this.in = s.getInputStream();
        this.out = s.getOutputStream();
    }

    /** Connects over implicit TLS (SMTPS) and checks the 220 greeting; trusts any certificate. */
    public static SmtpTestClient connectTls(int port) throws IOException {
        SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(15_000);
        s.startHandshake();
        SmtpTestClient c = new SmtpTestClient(s);
        c.expect(220);
        return c;
    }

    /**
     * After the server's 220 to STARTTLS: the TLS handshake over this connection (trusting any
     * certificate, the gateway's own is self-signed in tests). Reads nothing more.
     */
    public SSLSession startTls() throws IOException {
        SSLSocket tls = (SSLSocket) trustAll().getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        use(tls);
        return tls.getSession();
    }

    /** The certificate the server presented, after {@link #startTls} or {@link #connectTls}. */
    public java.security.cert.X509Certificate serverCertificate() throws IOException {
        return (java.security.cert.X509Certificate) ((SSLSocket) socket).getSession().getPeerCertificates()[0];
    }

    /** A client TLS context that trusts any certificate: the gateway's is self-signed in tests. */
    public static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connects without reading the greeting. */
    public static SmtpTestClient connectRaw(int port) throws IOException {
        return connectRaw(port, null);
    }

    /** Connects from a given local address (127.0.0.x) without reading the greeting. */
    public static SmtpTestClient connectRaw(int port, String localAddress) throws IOException {
        Socket s = new Socket();
        if (localAddress != null) {
            s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return new SmtpTestClient(s);
    }

    /** Connects to a server on another address (e.g. {@code ::1}) without reading the greeting. */
    public static SmtpTestClient connectRaw(String serverAddress, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getByName(serverAddress), port), 5_000);
        return new SmtpTestClient(s);
    }

    /** Connects and checks the 220 greeting. */
    public static SmtpTestClient connect(int port) throws IOException {
        SmtpTestClient c = connectRaw(port);
        c.expect(220);
        return c;
    }

    /** Connects, greets with EHLO and checks the 250. */
    public static SmtpTestClient connectEhlo(int port) throws IOException {
        SmtpTestClient c = connect(port);
        c.send("EHLO client.test").expect(250);
        return c;
    }

    /** How long a read may wait for the server (default 15 s). */
    public SmtpTestClient timeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    /** The raw output stream, for streaming large bodies. */
    public OutputStream output() {
        return out;
    }

    public SmtpTestClient send(String line) throws IOException {
        return sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public SmtpTestClient sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    public SmtpTestClient sendRaw(String s) throws IOException {
        return sendRaw(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads one (possibly multi-line) reply. */
    public Reply read() throws IOException {
        List<String> lines = new ArrayList<>();
        int code;
        String status = "";
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed while waiting for a reply; got " + lines);
            }
            if (line.length() < 3) {
                throw new IOException("malformed reply line: " + line);
            }
            code = Integer.parseInt(line.substring(0, 3));
            boolean last = line.length() == 3 || line.charAt(3) == ' ';
            String text = line.length() > 4 ? line.substring(4) : "";
            if (text.matches("[245]\\.\\d{1,3}\\.\\d{1,3}( .*)?")) {
                int sp = text.indexOf(' ');
                status = sp < 0 ? text : text.substring(0, sp);
                text = sp < 0 ? "" : text.substring(sp + 1);
            }
            lines.add(text);
            if (last) {
                return new Reply(code, status, lines);
            }
        }
    }

    /** Reads a reply and checks its code. */
    public Reply expect(int code) throws IOException {
        Reply r = read();
        assertThat(r.code()).as("reply %s", r).isEqualTo(code);
        return r;
    }

    /** Reads a reply and checks its code and RFC 3463 enhanced status. */
    public Reply expect(int code, String status) throws IOException {
        Reply r = expect(code);
        assertThat(r.status()).as("enhanced status of %s", r).isEqualTo(status);
        return r;
    }

    /** True when the server has closed the connection (reads until EOF, failing on data). */
    public boolean isClosedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    /** Sends a whole transaction with DATA; returns the queue ID from the final 250. */
    public String sendMail(String from, List<String> to, byte[] dotStuffedBodyWithTerminator) throws IOException {
        send("MAIL FROM:<" + from + ">").expect(250, "2.1.0");
        for (String rcpt : to) {
            send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
        }
        send("DATA").expect(354);
        sendRaw(dotStuffedBodyWithTerminator);
        return queueId(expect(250, "2.0.0"));
    }

    public static String queueId(Reply reply) {
        String text = reply.text();
        int i = text.indexOf("queued as ");
        assertThat(i).as("reply %s names a queue id", reply).isGreaterThanOrEqualTo(0);
        return text.substring(i + "queued as ".length()).trim();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
