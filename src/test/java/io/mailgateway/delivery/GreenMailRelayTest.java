package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailgateway.message.MessageContent;
import io.netty.buffer.Unpooled;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay client against GreenMail, an SMTP server we did not write. */
class GreenMailRelayTest {

    private GreenMail greenMail;
    private SmtpRelayClient client;

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        client = new SmtpRelayClient(new RelaySettings("relay.test", true, Duration.ofSeconds(2),
                Duration.ofSeconds(10), Duration.ofSeconds(10), 2, Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() {
        client.close();
        greenMail.stop();
    }

    @Test
    void should_deliver_to_each_recipient_with_the_body_unchanged() throws Exception {
        String msg = "From: sender@origin.test\r\nTo: a@dest.test\r\nSubject: relay\r\nMessage-ID: <1@origin.test>\r\n\r\n"
                + "first line\r\n.starts with a dot\r\n..two dots\r\nlast line\r\n";
        byte[] bytes = msg.getBytes(StandardCharsets.US_ASCII);
        MessageContent content = MessageContent.inBuffer(Unpooled.wrappedBuffer(bytes));
        InetSocketAddress host = new InetSocketAddress(InetAddress.getLoopbackAddress(), greenMail.getSmtp().getPort());
        try {
            for (int i = 0; i < 3; i++) {
                RelayResult r = client.send(List.of(host),
                        new RelayEnvelope("Q" + i, "sender@origin.test", List.of("a@dest.test", "b@dest.test"), bytes.length), content);
                assertThat(r.recipients().values()).allSatisfy(reply -> assertThat(reply.code()).isEqualTo(250));
            }
        } finally {
            content.release();
        }
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(6);
        // GreenMail keeps the body without the CRLF that ends its last line.
        assertThat(GreenMailUtil.getBody(received[0]).replace("\r\n", "\n"))
                .isEqualTo("first line\n.starts with a dot\n..two dots\nlast line");
        assertThat(received[0].getHeader("Message-ID")[0]).isEqualTo("<1@origin.test>");
        assertThat(client.connectionsOpened()).isEqualTo(1);
    }
}
