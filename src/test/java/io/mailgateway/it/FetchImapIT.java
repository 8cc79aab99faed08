package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailgateway.broker.AdminCredentials;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/examples/fetch-imap.camel.yaml as an operator enables it (copied into ROUTES_DIR as
 * fetch-imap.camel.yaml, FETCH_* set), run by the packaged jar against GreenMail's IMAP server:
 * the mailbox's messages land in the owner's Maildir and leave the source only after the broker
 * write; a broker that refuses the write, or a route that fails before it, leaves them at the source.
 */
class FetchImapIT {

    private static final String OWNER = "owner@example.com";

    @TempDir
    Path dir;

    private GreenMail imap;
    private GreenMailUser mailbox;

    @BeforeEach
    void startImap() {
        imap = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        imap.start();
        mailbox = imap.setUser("owner@remote.test", "owner", "secret");
    }

    @AfterEach
    void stopImap() {
        imap.stop();
    }

    private void deliver(String subject) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("Alice <alice@sender.test>"));
        m.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress("owner@remote.test"));
        m.setSubject(subject);
        m.setText("fetched body of " + subject + "\r\n");
        m.setHeader("Return-Path", "<bounces@sender.test>");
        mailbox.deliver(m);
    }

    private int atSource() throws Exception {
        return imap.getManagers().getImapHostManager().getInbox(mailbox).getMessageCount();
    }

    /** The standard routes plus the example fetch route, the latter passed through {@code edit}. */
    private Path routes(java.util.function.UnaryOperator<String> edit) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> standard = Files.list(Path.of("routes"))) {
            for (Path f : standard.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        String example = Files.readString(Path.of("docs", "examples", "fetch-imap.camel.yaml"));
        Files.writeString(routes.resolve("fetch-imap.camel.yaml"), edit.apply(example));
        return routes;
    }

    private Map<String, String> env(Path routes) {
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dir.resolve("data").toString());
        env.put("ROUTES_DIR", routes.toString());
        env.put("STORAGE_TYPE", "maildir");
        env.put("FETCH_PROTOCOL", "imap"); // GreenMail without a certificate; production uses imaps
        env.put("FETCH_HOST", "127.0.0.1");
        env.put("FETCH_PORT", String.valueOf(imap.getImap().getPort()));
        env.put("FETCH_USER", "owner");
        env.put("FETCH_PASSWORD", "secret");
        env.put("FETCH_RECIPIENT", OWNER);
        env.put("FETCH_INTERVAL", "1");
        return env;
    }

    private List<Maildirs.Delivered> stored() {
        return Maildirs.delivered(dir.resolve("data")).stream().filter(d -> d.mailbox().equals(OWNER)).toList();
    }

    @Test
    void should_store_every_fetched_message_for_the_owner_and_delete_it_at_the_source() throws Exception {
        for (int i = 1; i <= 3; i++) {
            deliver("fetched " + i);
        }
        assertThat(atSource()).isEqualTo(3);

        try (GatewayProcess p = GatewayProcess.start(dir, env(routes(r -> r)))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> stored().size() == 3);
            await().atMost(Duration.ofSeconds(60)).until(() -> atSource() == 0);

            for (Maildirs.Delivered d : stored()) {
                String text = Files.readString(d.file(), StandardCharsets.ISO_8859_1);
                assertThat(text).startsWith("Return-Path: <bounces@sender.test>\r\n")
                        .contains("Received: from 127.0.0.1 ([127.0.0.1])", "with IMAP id " + d.queueId(), "for <" + OWNER + ">")
                        .containsPattern("Subject: fetched [123]\r\n")
                        .contains("Authentication-Results: ");
            }
            assertThat(p.log()).contains(": fetched by route fetch-imap from=<bounces@sender.test> to=<" + OWNER + ">")
                    .doesNotContain("rolling back");
            assertThat(p.terminate()).isIn(0, 143);
        }
    }

    /**
     * A real refusal by the broker: broker.xml (an old copy with security-enabled false, which the
     * gateway overrides) with mail.accepted limited to one byte and
     * address-full-policy FAIL, and store.maildir paused (over the admin port) so the first message
     * stays in it. The first fetched message gets in (the address was empty), the second is refused
     * ("address is full") and must stay at the source; once the queue is resumed and drained, the
     * next poll takes it too.
     */
    @Test
    void should_leave_the_message_at_the_source_when_the_broker_refuses_the_write() throws Exception {
        String brokerXml = Files.readString(Path.of("broker", "broker.xml"));
        String limited = brokerXml.replace("<max-delivery-attempts>2020</max-delivery-attempts>\n        <address-full-policy>PAGE</address-full-policy>",
                "<max-delivery-attempts>2020</max-delivery-attempts>\n        <max-size-bytes>1</max-size-bytes>\n"
                        + "        <address-full-policy>FAIL</address-full-policy>")
                // an operator's old copy: the gateway turns security on whatever the file says
                .replace("<security-enabled>true</security-enabled>", "<security-enabled>false</security-enabled>");
        assertThat(limited).contains("<max-size-bytes>1</max-size-bytes>", "<security-enabled>false</security-enabled>");
        Path config = dir.resolve("broker.xml");
        Files.writeString(config, limited);
        Map<String, String> env = env(routes(r -> r));
        env.put("BROKER_CONFIG", config.toString());
        int brokerPort = GatewayProcess.freePort();
        env.put("BROKER_PORT", String.valueOf(brokerPort));
        try (GatewayProcess p = GatewayProcess.start(dir, env)) {
            assertThatThrownBy(() -> {
                try (ServerLocator locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + brokerPort);
                     ClientSessionFactory factory = locator.createSessionFactory();
                     ClientSession anonymous = factory.createSession()) {
                    anonymous.start();
                }
            }).isInstanceOf(ActiveMQSecurityException.class);
            manage(brokerPort, "pause"); // the mailbox is still empty: nothing was fetched yet
            deliver("first");
            deliver("second");

            await().atMost(Duration.ofSeconds(60)).until(() -> p.log().split("Exchange failed, so rolling back message status", -1).length > 2);
            assertThat(p.log()).containsPattern("mail.accepted.* is full|AMQ229102");
            assertThat(atSource()).isEqualTo(1); // the first left after its write, the second stays
            assertThat(stored()).isEmpty(); // the first waits in the paused queue

            manage(brokerPort, "resume");
            await().atMost(Duration.ofSeconds(60)).until(() -> stored().size() == 2 && atSource() == 0);
            assertThat(p.terminate()).isIn(0, 143);
        }
    }

    /** pause or resume store.maildir through the broker's management, logged in with the gateway's credentials. */
    private void manage(int brokerPort, String operation) throws Exception {
        AdminCredentials login = AdminCredentials.read(dir.resolve("data"));
        try (ServerLocator locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + brokerPort);
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(login.user(), login.password(), false, true, true, false, 0)) {
            session.start();
            ClientRequestor requestor = new ClientRequestor(session, "activemq.management");
            ClientMessage request = session.createMessage(false);
            ManagementHelper.putOperationInvocation(request, ResourceNames.QUEUE + "store.maildir", operation);
            ClientMessage reply = requestor.request(request, 30_000);
            assertThat(reply).isNotNull();
            assertThat(ManagementHelper.hasOperationSucceeded(reply)).as(String.valueOf(ManagementHelper.getResult(reply))).isTrue();
            requestor.close();
        }
    }

    @Test
    void should_leave_the_message_at_the_source_when_the_route_fails_before_the_broker_write() throws Exception {
        deliver("kept");
        // An edit that lost the broker write: the guard after it fails the exchange.
        Path routes = routes(r -> r.replace("        - to: \"accepted:mail.accepted\"\n", ""));
        assertThat(Files.readString(routes.resolve("fetch-imap.camel.yaml"))).doesNotContain("accepted:mail.accepted\"");

        try (GatewayProcess p = GatewayProcess.start(dir, env(routes))) {
            // two polls failed, each rolled back by camel-mail: nothing was deleted in between
            await().atMost(Duration.ofSeconds(60)).until(() -> p.log().split("Exchange failed, so rolling back message status", -1).length > 2);
            assertThat(p.log()).contains("without the broker write");

            assertThat(atSource()).isEqualTo(1);
            assertThat(stored()).isEmpty();
            assertThat(p.terminate()).isIn(0, 143);
        }
    }
}
