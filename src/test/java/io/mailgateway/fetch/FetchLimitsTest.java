package io.mailgateway.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailgateway.policy.HeaderLimits;
import io.mailgateway.policy.camel.CheckStep;
import io.mailgateway.policy.camel.PolicyDecision;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fetch route's limits against GreenMail (POP3 and IMAP), with its steps from fetchedEnvelope
 * to fetchedDecision: a message over SMTP_MAX_MESSAGE_SIZE is never downloaded, one whose header
 * section is over 1 MiB (headerLimits) is refused once; both stay at the source, are counted once
 * and are left out of the later polls, while the other mail goes on being fetched. Before, the
 * fetch route had no headerLimits step and no size limit at all.
 */
class FetchLimitsTest {

    private static final long MAX_SIZE = 2L * 1024 * 1024;

    @TempDir
    Path spool;

    private static MimeMessage message(String subject, String extraHeader, int bodyOctets) throws Exception {
        StringBuilder raw = new StringBuilder("From: alice@sender.test\r\nTo: owner@remote.test\r\nSubject: " + subject + "\r\n")
                .append(extraHeader).append("\r\n");
        String line = "x".repeat(998) + "\r\n";
        for (int n = 0; n < bodyOctets; n += line.length()) {
            raw.append(line);
        }
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    private static String bigHeader() {
        StringBuilder h = new StringBuilder();
        String field = "X-Filler: " + "h".repeat(988) + "\r\n";
        while (h.length() <= HeaderLimits.MAX_HEADER_OCTETS + 100_000) {
            h.append(field);
        }
        return h.toString();
    }

    private static String subject(jakarta.mail.Message m) {
        try {
            return m.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ServerSetup.PROTOCOL_POP3, ServerSetup.PROTOCOL_IMAP})
    void should_leave_too_big_mail_at_the_source_count_it_once_and_fetch_the_rest(String protocol) throws Exception {
        GreenMail server = new GreenMail(new ServerSetup(0, "127.0.0.1", protocol));
        server.start();
        try {
            GreenMailUser user = server.setUser("owner@remote.test", "owner", "secret");
            user.deliver(message("too big", "", (int) MAX_SIZE + 100_000));
            user.deliver(message("big header", bigHeader(), 1000));
            user.deliver(message("fine 1", "", 1000));
            int port = protocol.equals(ServerSetup.PROTOCOL_POP3) ? server.getPop3().getPort() : server.getImap().getPort();

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            FetchLimits limits = new FetchLimits(MAX_SIZE, registry);
            List<String> seen = new CopyOnWriteArrayList<>();
            List<String> stored = new CopyOnWriteArrayList<>();
            try (DefaultCamelContext camel = new DefaultCamelContext()) {
                camel.getRegistry().bind("fetchUid", new FetchUid());
                camel.getRegistry().bind("fetchLimits", limits);
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        errorHandler(noErrorHandler());
                        from(protocol + "://127.0.0.1:" + port + "?username=owner&password=secret"
                                + "&delete=true&unseen=false&peek=true&mapMailMessage=false&maxMessagesPerPoll=100"
                                + "&mailUidGenerator=#fetchUid&searchTerm=#fetchLimits&initialDelay=0&delay=300")
                                .process(e -> seen.add(subject(e.getIn(MailMessage.class).getOriginalMessage())))
                                .setProperty(FetchedEnvelope.RECIPIENT, constant("owner@example.com"))
                                .process(new FetchedEnvelope(spool, limits))
                                .process(new CheckStep("headerLimits", new HeaderLimits(100)))
                                .process(new FetchedDecision(new PolicyDecision(), limits))
                                .process(e -> stored.add(subject(e.getIn(MailMessage.class).getOriginalMessage())));
                    }
                });
                camel.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> stored.contains("fine 1"));
                // a poll after the refusals: the rest of the mail still comes in
                user.deliver(message("fine 2", "", 1000));
                await().atMost(Duration.ofSeconds(30)).until(() -> stored.contains("fine 2"));
            }
            assertThat(stored).containsExactly("fine 1", "fine 2");
            assertThat(seen).as("messages the route was given").doesNotContain("too big")
                    .filteredOn("big header"::equals).hasSize(1);
            assertThat(registry.get("smtp.fetch.too.big").counter().count()).isEqualTo(2.0);
            assertThat(Arrays.stream(server.getReceivedMessages()).map(FetchLimitsTest::subject).toList())
                    .as("left at the source").containsExactlyInAnyOrder("too big", "big header");
        } finally {
            server.stop();
        }
    }
}
