package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.message.MailHeaders;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue CLI as an operator runs it: {@code java -jar target/mail-gateway.jar queue list}
 * in its own process against the packaged gateway in another, over the broker's administrative
 * port; the scheduled retry it lists survives a gateway restart; with the gateway stopped the
 * command says so and exits 3. The command logs in with the credentials file the gateway wrote
 * into its DATA_DIR at its first start; a restart reuses it. A BROKER_PORT already taken stops the gateway at startup.
 */
class QueueCliIT {

    @TempDir
    Path dir;

    @Test
    void should_list_the_running_gateways_queue_from_another_process() throws Exception {
        int brokerPort = GatewayProcess.freePort();
        Map<String, String> env = Map.of("DATA_DIR", dir.resolve("data").toString(), "BROKER_PORT", String.valueOf(brokerPort));
        long next = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
        String id = "01IT" + Long.toString(System.nanoTime(), 32).toUpperCase();
        try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
            enqueueScheduled(brokerPort, AdminCredentials.read(dir.resolve("data")), id, next);

            GatewayProcess.CommandResult list = GatewayProcess.command(dir, env, "queue", "list");

            assertThat(list.status()).as(list.err()).isZero();
            assertThat(list.out()).startsWith("ID "); // no log lines before the table
            assertThat(list.out().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow())
                    .contains("<someone@example.org>", "far@remote.invalid", Instant.ofEpochMilli(next).toString(), "421 4.4.2 timeout");
            assertThat(list.out()).contains("delivery: 1 message(s)");
            // the login the command used: written at the first start, for the gateway's user only
            assertThat(java.nio.file.Files.getPosixFilePermissions(AdminCredentials.file(dir.resolve("data"))))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            assertThat(gateway.terminate()).isIn(0, 143);
        }

        // The schedule lives in the broker journal: after a restart the same retry is still waiting.
        try (GatewayProcess gateway = GatewayProcess.start(dir, env)) {
            GatewayProcess.CommandResult json = GatewayProcess.command(dir, env, "queue", "list", "--json");
            assertThat(json.status()).as(json.err()).isZero();
            assertThat(json.out()).startsWith("[").contains("\"id\":\"" + id + "\"", "\"state\":\"scheduled\"",
                    "\"nextAttemptAt\":\"" + Instant.ofEpochMilli(next) + "\"");
            assertThat(gateway.terminate()).isIn(0, 143);
        }

        GatewayProcess.CommandResult down = GatewayProcess.command(dir, env, "queue", "list");
        assertThat(down.status()).isEqualTo(3);
        assertThat(down.err()).contains("127.0.0.1:" + brokerPort, "is the gateway running");
        assertThat(down.out()).isEmpty();
    }

    @Test
    void should_refuse_to_start_when_the_broker_port_is_taken() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Map<String, String> env = Map.of("DATA_DIR", dir.resolve("data").toString(),
                    "BROKER_PORT", String.valueOf(taken.getLocalPort()));
            try (GatewayProcess p = GatewayProcess.launch(dir, env)) {
                int status = p.awaitExit(Duration.ofSeconds(60));
                assertThat(status).as("exit status (MIN_VALUE = still running); log:\n%s", p.log()).isNotZero().isNotEqualTo(Integer.MIN_VALUE);
                assertThat(p.log()).contains("BROKER_PORT", String.valueOf(taken.getLocalPort())).doesNotContain("SMTP listening on");
            }
        }
    }

    /** What a delivery route leaves after a failed attempt: a retry scheduled at {@code next}. */
    private static void enqueueScheduled(int brokerPort, AdminCredentials login, String id, long next) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + brokerPort);
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(login.user(), login.password(), false, true, true, false, 0);
             ClientProducer producer = session.createProducer("delivery")) {
            ClientMessage m = session.createMessage(Message.BYTES_TYPE, true);
            m.getBodyBuffer().writeBytes("Subject: queued\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
            m.putStringProperty(MailHeaders.QUEUE_ID, id);
            io.mailgateway.testing.Envelopes.headers("someone@example.org", List.of("far@remote.invalid"), List.of())
                    .forEach((k, v) -> m.putObjectProperty(k, v));
            m.putLongProperty(MailHeaders.RECEIVED_AT, System.currentTimeMillis());
            m.putLongProperty(MailHeaders.SIZE, 25);
            m.putIntProperty(MailHeaders.ATTEMPTS, 1);
            m.putStringProperty(MailHeaders.LAST_ERROR, "421 4.4.2 timeout");
            m.putLongProperty(MailHeaders.NEXT_ATTEMPT_AT, next);
            m.putLongProperty(Message.HDR_SCHEDULED_DELIVERY_TIME, next);
            producer.send(m);
        }
    }
}
