package io.mailgateway.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The fetch route's endpoint options as docs/examples/fetch-imap.camel.yaml sets them, with
 * FETCH_PROTOCOL=pop3, against GreenMail's POP3 server. camel-mail deletes a stored POP3 message
 * by looking its key up again and deleting the first message with that key; with its default
 * key, the Message-ID header, two messages sharing one (a list copy and a direct copy; a sender
 * that reuses one) went wrong: the first failed (policy tempfail, broker write refused), the
 * second was stored, and the first, never stored, was the one deleted. {@link FetchUid} keys
 * by the server's UIDL.
 */
class Pop3SharedMessageIdTest {

    private static MimeMessage message(String subject) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties())) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                setHeader("Message-ID", "<same@sender.test>");
            }
        };
        m.setFrom(new InternetAddress("alice@sender.test"));
        m.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress("owner@remote.test"));
        m.setSubject(subject);
        m.setText("body of " + subject + "\r\n");
        m.saveChanges();
        return m;
    }

    @Test
    void should_leave_a_failed_message_at_the_source_when_another_with_its_message_id_is_stored() throws Exception {
        GreenMail pop3 = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3));
        pop3.start();
        try {
            GreenMailUser user = pop3.setUser("owner@remote.test", "owner", "secret");
            user.deliver(message("not stored (policy tempfail)"));
            user.deliver(message("stored"));
            String example = Files.readString(Path.of("docs", "examples", "fetch-imap.camel.yaml"));
            assertThat(example).as("the example route's option").contains("mailUidGenerator: \"#fetchUid\"");
            CamelContext camel = new DefaultCamelContext();
            camel.getRegistry().bind("fetchUid", new FetchUid());
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(noErrorHandler());
                    from("pop3://127.0.0.1:" + pop3.getPop3().getPort() + "?username=owner&password=secret"
                            + "&delete=true&unseen=false&peek=true&mapMailMessage=false&maxMessagesPerPoll=100"
                            + "&mailUidGenerator=#fetchUid&initialDelay=0&delay=600000")
                            .process(e -> {
                                String subject = e.getIn(MailMessage.class).getOriginalMessage().getSubject();
                                if (subject.startsWith("not stored")) {
                                    throw new IllegalStateException("policy says try later: left at the source");
                                }
                            });
                }
            });
            camel.start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> pop3.getReceivedMessages().length < 2);
            } finally {
                camel.stop();
            }
            List<String> left = java.util.Arrays.stream(pop3.getReceivedMessages()).map(m -> {
                try {
                    return m.getSubject();
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertThat(left).as("messages left at the POP3 source").containsExactly("not stored (policy tempfail)");
        } finally {
            pop3.stop();
        }
    }
}
