package io.mailgateway.smtp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewed certificate serves new connections without a restart; a broken renewal, or a key that
 * is not the certificate's, does not. Forward-secret suites only; no client renegotiation.
 */
class ServerTlsTest {

    @TempDir
    Path dir;

    @Test
    void should_serve_a_renewed_certificate_to_new_connections_and_keep_the_old_one_on_a_broken_renewal() throws Exception {
        SelfSignedCertificate.ensure(dir.resolve("a"), "first.test");
        SelfSignedCertificate.ensure(dir.resolve("b"), "second.test");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        install(dir.resolve("a"), cert, key);
        ServerTls tls = ServerTls.load(cert, key, List.of("TLSv1.3", "TLSv1.2"));
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            int port = serve(tls, group);
            assertThat(subjectOf(port)).isEqualTo("CN=first.test");
            assertThat(tls.reloadIfChanged()).as("nothing changed yet").isFalse();

            install(dir.resolve("b"), cert, key);
            assertThat(tls.reloadIfChanged()).isTrue();
            assertThat(subjectOf(port)).isEqualTo("CN=second.test");

            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
            assertThat(tls.reloadIfChanged()).isFalse();
            assertThat(subjectOf(port)).as("the last good certificate keeps serving").isEqualTo("CN=second.test");
        } finally {
            group.shutdownGracefully().sync();
            tls.close();
        }
    }

    /**
     * certbot's deploy hook copies fullchain.pem, then privkey.pem: a reload check between the two
     * sees the new certificate with the old key. Loaded, it failed every handshake until the next check.
     */
    @Test
    void should_refuse_a_key_that_is_not_the_certificates_at_start_and_keep_the_old_pair_on_reload() throws Exception {
        SelfSignedCertificate.ensure(dir.resolve("a"), "first.test");
        SelfSignedCertificate.ensure(dir.resolve("b"), "second.test");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.copy(dir.resolve("b").resolve(ServerTls.SELF_SIGNED_CERT), cert);
        Files.copy(dir.resolve("a").resolve(ServerTls.SELF_SIGNED_KEY), key);
        assertThatThrownBy(() -> ServerTls.load(cert, key, List.of("TLSv1.3", "TLSv1.2")))
                .isInstanceOf(SSLException.class).hasMessageContaining("does not belong to the certificate CN=second.test");

        install(dir.resolve("a"), cert, key);
        ServerTls tls = ServerTls.load(cert, key, List.of("TLSv1.3", "TLSv1.2"));
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            int port = serve(tls, group);
            // cp fullchain.pem ...: the new certificate is there, its key not yet
            Files.copy(dir.resolve("b").resolve(ServerTls.SELF_SIGNED_CERT), cert, StandardCopyOption.REPLACE_EXISTING);
            assertThat(tls.reloadIfChanged()).as("a mismatched pair is not taken").isFalse();
            assertThat(subjectOf(port)).as("the old pair keeps serving").isEqualTo("CN=first.test");
            // ... privkey.pem: now the pair matches
            Files.copy(dir.resolve("b").resolve(ServerTls.SELF_SIGNED_KEY), key, StandardCopyOption.REPLACE_EXISTING);
            assertThat(tls.reloadIfChanged()).isTrue();
            assertThat(subjectOf(port)).isEqualTo("CN=second.test");
        } finally {
            group.shutdownGracefully().sync();
            tls.close();
        }
    }

    @Test
    void should_tell_rsa_keys_apart_and_an_rsa_key_from_an_ec_certificate() throws Exception {
        Path rsa1 = pair("RSA", "SHA256withRSA", "rsa1.test");
        Path rsa2 = pair("RSA", "SHA256withRSA", "rsa2.test");
        SelfSignedCertificate.ensure(dir.resolve("ec"), "ec.test");
        List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
        ServerTls.load(rsa1.resolve("cert.pem"), rsa1.resolve("key.pem"), protocols).close();
        assertThatThrownBy(() -> ServerTls.load(rsa1.resolve("cert.pem"), rsa2.resolve("key.pem"), protocols))
                .isInstanceOf(SSLException.class).hasMessageContaining("does not belong");
        assertThatThrownBy(() -> ServerTls.load(dir.resolve("ec").resolve(ServerTls.SELF_SIGNED_CERT), rsa1.resolve("key.pem"), protocols))
                .isInstanceOf(SSLException.class).hasMessageContaining("does not belong");
    }

    /** Netty's default list has static-RSA key exchange (TLS_RSA_WITH_*: no forward secrecy) and CBC suites. */
    @Test
    void should_offer_only_forward_secret_aead_suites_even_with_an_rsa_certificate() throws Exception {
        Path rsa = pair("RSA", "SHA256withRSA", "rsa.test");
        ServerTls tls = ServerTls.load(rsa.resolve("cert.pem"), rsa.resolve("key.pem"), List.of("TLSv1.3", "TLSv1.2"));
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            SSLEngine engine = tls.newHandler(ByteBufAllocator.DEFAULT, false).engine();
            assertThat(engine.getEnabledCipherSuites()).isNotEmpty().allMatch(c -> c.startsWith("TLS_ECDHE_") || c.startsWith("TLS_DHE_")
                    || c.startsWith("TLS_AES_") || c.startsWith("TLS_CHACHA20_")).noneMatch(c -> c.contains("_CBC_"));
            int port = serve(tls, group);
            try (SSLSocket s = (SSLSocket) io.mailgateway.testing.SmtpTestClient.trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.setEnabledCipherSuites(new String[] {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"});
                assertThatThrownBy(s::startHandshake).as("a client offering static RSA only").isInstanceOf(SSLHandshakeException.class);
            }
            try (SSLSocket s = (SSLSocket) io.mailgateway.testing.SmtpTestClient.trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.startHandshake();
                assertThat(s.getSession().getCipherSuite()).startsWith("TLS_ECDHE_RSA_WITH_").endsWith("_GCM_SHA256");
            }
        } finally {
            group.shutdownGracefully().sync();
            tls.close();
        }
    }

    /**
     * TLS 1.2 renegotiation asked for by the client: a full handshake each time, on a connection
     * counted once. The JDK reads its switch once per process, at the first server handshake, so
     * this runs where the gateway runs: in a JVM of its own, the SMTPS listener as the first TLS server.
     */
    @Test
    void should_refuse_client_initiated_renegotiation_on_smtps() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), RenegotiationCheck.class.getName(),
                dir.toString())).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).as(text).contains("RENEGOTIATED 0");
    }

    private int serve(ServerTls tls, EventLoopGroup group) throws InterruptedException {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), false));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** A self-signed certificate and its PKCS#8 key (cert.pem, key.pem) in a directory of their own. */
    private Path pair(String keyType, String signature, String name) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(keyType);
        if (keyType.equals("RSA")) {
            generator.initialize(2048);
        }
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        X509CertificateHolder cert = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE, Date.from(Instant.now().minusSeconds(3600)),
                Date.from(Instant.now().plusSeconds(86_400)), subject, keys.getPublic())
                .build(new JcaContentSignerBuilder(signature).build(keys.getPrivate()));
        Path out = Files.createDirectories(dir.resolve(name));
        Files.writeString(out.resolve("cert.pem"), pem(cert));
        Files.writeString(out.resolve("key.pem"), pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()));
        return out;
    }

    private static String pem(Object o) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(o);
        }
        return text.toString();
    }

    private static void install(Path from, Path cert, Path key) throws Exception {
        Files.copy(from.resolve(ServerTls.SELF_SIGNED_KEY), key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(from.resolve(ServerTls.SELF_SIGNED_CERT), cert, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String subjectOf(int port) throws Exception {
        SSLContext context = io.mailgateway.testing.SmtpTestClient.trustAll();
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }
}
