package io.mailgateway.smtp.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A renewed certificate serves new connections without a restart; a broken renewal does not. */
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
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), false));
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            assertThat(subjectOf(port)).isEqualTo("CN=first.test");
            assertThat(tls.reloadIfChanged()).as("nothing changed yet").isFalse();

            install(dir.resolve("b"), cert, key);
            assertThat(tls.reloadIfChanged()).isTrue();
            assertThat(subjectOf(port)).isEqualTo("CN=second.test");

            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
            assertThat(tls.reloadIfChanged()).isFalse();
            assertThat(subjectOf(port)).as("the last good certificate keeps serving").isEqualTo("CN=second.test");
            server.close().sync();
        } finally {
            group.shutdownGracefully().sync();
            tls.close();
        }
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
