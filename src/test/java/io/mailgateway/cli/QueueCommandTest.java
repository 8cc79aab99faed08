package io.mailgateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.testing.Envelopes;
import io.mailgateway.message.QueueIds;
import io.mailgateway.testing.TestGateway;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.utils.JsonLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue commands against the real gateway's broker over its administrative port. The
 * delivery queue is filled the way the delivery route leaves it (the contract properties of
 * {@link MailHeaders}, retries scheduled with {@code _AMQ_SCHED_DELIVERY}): retries scheduled a
 * day ahead stay put even when a delivery route consumes the queue.
 */
@ExtendWith(TestGateway.class)
class QueueCommandTest {

    private static final long DAY = Duration.ofDays(1).toMillis();
    private static Connection jms;

    @BeforeAll
    static void connect() throws Exception {
        AdminCredentials login = TestGateway.brokerCredentials();
        jms = new ActiveMQConnectionFactory("vm://0", login.user(), login.password()).createConnection();
        jms.start();
    }

    @AfterAll
    static void disconnect() throws Exception {
        jms.close();
    }

    record Run(int status, String out, String err) {
    }

    /** The CLI through the jar's own entry point, on a configuration naming the test gateway's BROKER_PORT. */
    static Run cli(String... args) throws Exception {
        return cli(TestGateway.brokerPort(), args);
    }

    static Run cli(int brokerPort, String... args) throws Exception {
        return cli(brokerPort, TestGateway.dataDir(), args);
    }

    /** The CLI with another DATA_DIR, so other (or no) broker credentials. */
    static Run cli(int brokerPort, Path dataDir, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        GatewayConfig config = GatewayConfig.load(Map.of("BROKER_PORT", String.valueOf(brokerPort),
                "DATA_DIR", dataDir.toString()), new Properties());
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = GatewayMain.command(Arrays.asList(args), config, o, e);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A message as the delivery route leaves it after {@code attempts} failed attempts. */
    static String enqueue(String queue, String from, String relayTo, int attempts, long scheduledAt, byte[] body,
                          Map<String, Object> extra) throws Exception {
        String id = QueueIds.next();
        try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer producer = session.createProducer(session.createQueue(queue))) {
            BytesMessage m = session.createBytesMessage();
            m.writeBytes(body);
            m.setStringProperty(MailHeaders.QUEUE_ID, id);
            // relayTo: one or more relayed recipients, comma separated (test input only)
            Envelopes.headers(from, List.of(relayTo.split(",")), List.of("local@example.com"))
                    .forEach((k, v) -> setProperty(m, k, v));
            m.setLongProperty(MailHeaders.RECEIVED_AT, System.currentTimeMillis() - 60_000);
            m.setLongProperty(MailHeaders.SIZE, body.length);
            if (attempts > 0) {
                m.setIntProperty(MailHeaders.ATTEMPTS, attempts);
                m.setStringProperty(MailHeaders.LAST_ERROR, "451 4.3.0 mailbox busy, try later");
            }
            if (scheduledAt > 0) {
                m.setLongProperty(MailHeaders.NEXT_ATTEMPT_AT, scheduledAt);
                m.setLongProperty(QueueEntry.SCHEDULED_DELIVERY, scheduledAt);
            }
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                m.setObjectProperty(e.getKey(), e.getValue());
            }
            producer.send(m);
        }
        return id;
    }

    static byte[] message(String subject) {
        return ("From: <sender@example.org>\r\nTo: <rcpt@far.invalid>\r\nSubject: " + subject + "\r\n\r\nHello.\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static String scheduledRetry(String subject) throws Exception {
        return enqueue(QueueCommand.DELIVERY, "", "rcpt@far.invalid", 2, System.currentTimeMillis() + DAY, message(subject), Map.of());
    }

    static List<QueueEntry> entries(String queue, String id) throws Exception {
        try (QueueAdmin admin = QueueAdmin.connect("127.0.0.1", TestGateway.brokerPort(), TestGateway.brokerCredentials())) {
            return QueueEntry.of(queue, admin.list(queue, id));
        }
    }

    @Test
    void should_list_a_scheduled_retry_with_sender_recipients_attempts_next_time_and_last_error() throws Exception {
        long next = System.currentTimeMillis() + DAY;
        String id = enqueue(QueueCommand.DELIVERY, "alice@example.org", "bob@far.invalid,carol@far.invalid", 3, next,
                message("listed"), Map.of());

        Run run = cli("queue", "list");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("ID ").contains("NEXT ATTEMPT", "LAST ERROR");
        String row = run.out().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow();
        assertThat(row).contains("<alice@example.org>", "bob@far.invalid,carol@far.invalid", "  3  ",
                QueueTable.time(next), "451 4.3.0 mailbox busy, try later");
        assertThat(row).doesNotContain("local@example.com"); // delivered already: not to relay
    }

    @Test
    void should_show_long_recipient_lists_whole() throws Exception {
        // The broker's management cuts property values at 256 characters unless broker.xml says otherwise.
        String many = String.join(",", java.util.stream.IntStream.range(0, 40).mapToObj(i -> "recipient" + i + "@far.invalid").toList());
        String id = enqueue(QueueCommand.DELIVERY, "", many, 1, System.currentTimeMillis() + DAY, message("many"), Map.of());

        Run table = cli("queue", "list");
        Run json = cli("queue", "list", "--json");

        assertThat(table.out().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow())
                .contains("recipient0@far.invalid,recipient1@far.invalid,recipient2@far.invalid +37 more");
        assertThat(json.status()).as(json.err()).isZero();
        JsonObject entry = JsonLoader.readArray(new StringReader(json.out())).stream().map(v -> v.asJsonObject())
                .filter(o -> o.getString("id").equals(id)).findFirst().orElseThrow();
        assertThat(entry.getJsonArray("recipients").size()).isEqualTo(41); // whole: not cut at 256 characters
        assertThat(entry.getJsonArray("pendingRecipients").size()).isEqualTo(40);
    }

    @Test
    void should_list_more_messages_than_the_brokers_default_browse_page() throws Exception {
        // Artemis lists at most 200 ready messages through management unless broker.xml says
        // otherwise. Ready ones (not scheduled), so the queue is held while they are there.
        String batch = QueueIds.next();
        withDeliveryHeld(() -> {
            try {
                for (int i = 0; i < 250; i++) {
                    enqueue(QueueCommand.DELIVERY, "", "bulk@far.invalid", 1, 0, message("bulk"), Map.of("TestBatch", batch));
                }
                Run run = cli("queue", "list", "--json");

                assertThat(run.status()).as(run.err()).isZero();
                long listed = JsonLoader.readArray(new StringReader(run.out())).stream()
                        .filter(v -> batch.equals(v.asJsonObject().getJsonObject("properties").getString("TestBatch", null))).count();
                assertThat(listed).isEqualTo(250);
            } finally {
                try (QueueAdmin admin = QueueAdmin.connect("127.0.0.1", TestGateway.brokerPort(), TestGateway.brokerCredentials())) {
                    admin.invoke(QueueCommand.DELIVERY, "removeMessages", "TestBatch = '" + batch + "'");
                }
            }
        });
    }

    @Test
    void should_list_as_json() throws Exception {
        long next = System.currentTimeMillis() + DAY;
        String id = enqueue(QueueCommand.DELIVERY, "", "dave@far.invalid", 1, next, message("json"), Map.of());

        Run run = cli("queue", "list", "--json");

        assertThat(run.status()).as(run.err()).isZero();
        JsonArray array = JsonLoader.readArray(new StringReader(run.out()));
        JsonObject entry = array.stream().map(v -> v.asJsonObject()).filter(o -> o.getString("id").equals(id)).findFirst().orElseThrow();
        assertThat(entry.getString("state")).isEqualTo("scheduled");
        assertThat(entry.getString("sender")).isEmpty();
        assertThat(entry.getJsonArray("pendingRecipients").getString(0)).isEqualTo("dave@far.invalid");
        assertThat(entry.getInt("attempts")).isEqualTo(1);
        assertThat(java.time.Instant.parse(entry.getString("nextAttemptAt")).toEpochMilli()).isEqualTo(next);
    }

    @Test
    void should_show_every_property_of_a_message() throws Exception {
        String id = scheduledRetry("shown");

        Run run = cli("queue", "show", id);

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains(id + " in delivery", "waiting for retry at", "to relay:    rcpt@far.invalid",
                "MailAttempts = 2", "MailLastError = 451 4.3.0 mailbox busy, try later", "sender:      <>");
    }

    @Test
    void should_show_the_headers_of_a_message_in_the_dead_letter_queue() throws Exception {
        String id = enqueue(QueueCommand.DLQ, "eve@example.org", "frank@far.invalid", 5, 0, message("dead letter"),
                Map.of(MailHeaders.DLQ_REASON, "550 5.1.1 no such user"));

        Run run = cli("queue", "show", id);

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains(id + " in delivery.dlq", "given up: 550 5.1.1 no such user", "    Subject: dead letter",
                "    To: <rcpt@far.invalid>");
        assertThat(run.out()).doesNotContain("Hello.");
    }

    /**
     * Runs {@code body} with the queue "delivery" paused: a delivery route (after the merge) would
     * otherwise attempt a released message at once and could reschedule or dead-letter it.
     */
    static void withDeliveryHeld(ThrowingRunnable body) throws Exception {
        try (QueueAdmin admin = QueueAdmin.connect("127.0.0.1", TestGateway.brokerPort(), TestGateway.brokerCredentials())) {
            admin.invoke(QueueCommand.DELIVERY, "pause");
            try {
                body.run();
            } finally {
                admin.invoke(QueueCommand.DELIVERY, "resume");
            }
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void should_release_a_scheduled_retry_for_delivery_now() throws Exception {
        String id = scheduledRetry("retry now");
        assertThat(entries(QueueCommand.DELIVERY, id)).singleElement().matches(QueueEntry::scheduled);

        withDeliveryHeld(() -> {
            Run run = cli("queue", "retry", id);

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).contains(id + ": released for delivery now");
            assertThat(entries(QueueCommand.DELIVERY, id)).singleElement().matches(e -> !e.scheduled());
            assertThat(cli("queue", "list").out().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow())
                    .contains("  now  ");
            Run again = cli("queue", "retry", id);
            assertThat(again.status()).isZero();
            assertThat(again.out()).contains(id + ": not waiting for a retry");
            assertThat(cli("queue", "delete", id).status()).isZero(); // the route never sees it
        });
    }

    @Test
    void should_release_every_scheduled_retry() throws Exception {
        String first = scheduledRetry("retry all 1");
        String second = scheduledRetry("retry all 2");

        withDeliveryHeld(() -> {
            Run run = cli("queue", "retry-all");

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).containsPattern("[0-9]+ scheduled message\\(s\\) released for delivery now");
            assertThat(entries(QueueCommand.DELIVERY, first)).singleElement().matches(e -> !e.scheduled());
            assertThat(entries(QueueCommand.DELIVERY, second)).singleElement().matches(e -> !e.scheduled());
            assertThat(cli("queue", "delete", first).status()).isZero();
            assertThat(cli("queue", "delete", second).status()).isZero();
        });
    }

    @Test
    void should_delete_a_message_and_say_what_was_removed() throws Exception {
        String id = scheduledRetry("deleted");
        String kept = scheduledRetry("kept");

        Run run = cli("queue", "delete", id);

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("deleted " + id + " from delivery: from <> to rcpt@far.invalid");
        assertThat(entries(QueueCommand.DELIVERY, id)).isEmpty();
        assertThat(entries(QueueCommand.DELIVERY, kept)).hasSize(1);
        assertThat(cli("queue", "delete", id).status()).isEqualTo(1);
    }

    @Test
    void should_list_the_dead_letter_queue_with_the_reason() throws Exception {
        String id = enqueue(QueueCommand.DLQ, "grace@example.org", "heidi@far.invalid", 10, 0, message("dlq"),
                Map.of(MailHeaders.DLQ_REASON, "expired after 5 days: 451 4.4.1 connection refused"));

        for (Run run : List.of(cli("queue", "dlq", "list"), cli("dlq", "list"))) {
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).contains("IN DLQ SINCE (UTC)", "REASON");
            assertThat(run.out().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow())
                    .contains("<grace@example.org>", "heidi@far.invalid", "expired after 5 days: 451 4.4.1 connection refused");
        }
    }

    @Test
    void should_requeue_from_the_dead_letter_queue_with_attempts_reset_and_the_body_kept() throws Exception {
        String id = enqueue(QueueCommand.DLQ, "ivan@example.org", "judy@far.invalid", 10, 0, message("requeued"),
                Map.of(MailHeaders.DLQ_REASON, "too many attempts"));
        // A delivery route (after the merge) would take the message at once: hold the queue still.
        try (QueueAdmin admin = QueueAdmin.connect("127.0.0.1", TestGateway.brokerPort(), TestGateway.brokerCredentials())) {
            admin.invoke(QueueCommand.DELIVERY, "pause");
            try {
                Run run = cli("dlq", "requeue", id);

                assertThat(run.status()).as(run.err()).isZero();
                assertThat(run.out()).contains("requeued " + id + " from delivery.dlq to delivery for a fresh attempt: to judy@far.invalid");
                assertThat(entries(QueueCommand.DLQ, id)).isEmpty();
                QueueEntry requeued = entries(QueueCommand.DELIVERY, id).get(0);
                assertThat(requeued.scheduled()).isFalse();
                assertThat(requeued.attempts()).isZero();
                assertThat(requeued.properties()).doesNotContainKeys(MailHeaders.ATTEMPTS, MailHeaders.DLQ_REASON, MailHeaders.LAST_ERROR);
                assertThat(requeued.sender()).isEqualTo("ivan@example.org");
                assertThat(requeued.relayRecipients()).containsExactly("judy@far.invalid");
                assertThat(admin.bodyPreview(QueueCommand.DELIVERY, QueueAdmin.filter(id))).isEqualTo(message("requeued"));
                // Once only: it has left the DLQ (asked while the queue is still held, as a delivery
                // route could send the message straight back to the DLQ when it resumes).
                assertThat(cli("queue", "dlq", "requeue", id).status()).isEqualTo(1);
            } finally {
                admin.invoke(QueueCommand.DELIVERY, "resume");
            }
        }
    }

    @Test
    void should_refuse_a_requeue_into_a_store_that_is_not_enabled_and_keep_the_message() throws Exception {
        // What a restart without the store leaves: store.NAME kept but disabled, store.NAME.dlq kept.
        String storeQueue = disabledStoreQueue();
        String dlq = storeQueue + ".dlq";
        server().createQueue(QueueConfiguration.of(dlq).setAddress(dlq).setRoutingType(RoutingType.ANYCAST)
                .setDurable(true).setAutoCreateAddress(true), true);
        String id = enqueue(dlq, "ivan@example.org", "kim@far.invalid", 0, 0, message("kept"), Map.of(MailHeaders.DLQ_REASON, "s3: bucket gone"));

        Run run = cli("dlq", "requeue", id);

        assertThat(run.status()).as(run.err()).isEqualTo(QueueCommand.STORE_NOT_ENABLED);
        assertThat(run.err()).contains(id + " is in " + dlq + ", whose store is not enabled");
        assertThat(run.out()).doesNotContain("requeued");
        assertThat(entries(dlq, id)).hasSize(1);
        assertThat(messageCount(storeQueue)).isZero();
    }

    @Test
    void should_not_commit_a_move_whose_target_queue_is_disabled() throws Exception {
        String storeQueue = disabledStoreQueue();
        String id = enqueue(QueueCommand.DLQ, "ivan@example.org", "judy@far.invalid", 1, 0, message("kept"), Map.of());

        try (QueueAdmin admin = QueueAdmin.connect("127.0.0.1", TestGateway.brokerPort(), TestGateway.brokerCredentials())) {
            assertThatThrownBy(() -> admin.moveFresh(QueueCommand.DLQ, QueueAdmin.filter(id),
                    DeadLetterQueues.requeueAddress(storeQueue), storeQueue, Set.of(), Map.<String, Object>of(), 1))
                    .hasMessageContaining("not enabled");
        }

        assertThat(entries(QueueCommand.DLQ, id)).hasSize(1);
        assertThat(cli("queue", "delete", id).status()).isZero();
    }

    @Test
    void should_requeue_from_store_dead_letters_into_the_queue_the_broker_dead_lettered_it_from() throws Exception {
        // A store queue with no divert yet: what stayed in store.dead-letters while the store was not enabled.
        String storeQueue = "store.back" + System.nanoTime() % 100000;
        server().createQueue(QueueConfiguration.of(storeQueue).setAddress(EmbeddedBroker.ACCEPTED_ADDRESS)
                .setRoutingType(RoutingType.MULTICAST).setDurable(true), true);
        String id = enqueue(EmbeddedBroker.STORE_DEAD_LETTERS, "ivan@example.org", "kim@far.invalid", 0, 0, message("back"),
                Map.of("_AMQ_ORIG_QUEUE", storeQueue));

        Run run = cli("dlq", "requeue", id);

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("requeued " + id + " from store.dead-letters to mail.accepted::" + storeQueue);
        assertThat(entries(EmbeddedBroker.STORE_DEAD_LETTERS, id)).isEmpty();
        assertThat(messageCount(storeQueue)).isEqualTo(1);
        server().destroyQueue(SimpleString.of(storeQueue), null, false, true);
    }

    @Test
    void should_leave_a_message_in_store_dead_letters_whose_store_is_not_enabled() throws Exception {
        String storeQueue = disabledStoreQueue();
        String id = enqueue(EmbeddedBroker.STORE_DEAD_LETTERS, "ivan@example.org", "kim@far.invalid", 0, 0, message("kept"),
                Map.of("_AMQ_ORIG_QUEUE", storeQueue));

        Run run = cli("dlq", "requeue", id);

        assertThat(run.status()).as(run.err()).isEqualTo(QueueCommand.STORE_NOT_ENABLED);
        assertThat(run.err()).contains("whose store is not enabled", "restart").doesNotContain("no message");
        assertThat(entries(EmbeddedBroker.STORE_DEAD_LETTERS, id)).hasSize(1);
        assertThat(cli("queue", "delete", id).status()).isZero();
    }

    /** store.NAME on mail.accepted, disabled as the gateway leaves the queue of a store taken out of STORAGE_TYPE. */
    private static String disabledStoreQueue() throws Exception {
        String storeQueue = EmbeddedBroker.storeQueue("gone" + System.nanoTime() % 100000);
        server().createQueue(QueueConfiguration.of(storeQueue).setAddress(EmbeddedBroker.ACCEPTED_ADDRESS)
                .setRoutingType(RoutingType.MULTICAST).setDurable(true), true);
        server().updateQueue(QueueConfiguration.of(storeQueue).setEnabled(false));
        return storeQueue;
    }

    private static ActiveMQServer server() {
        return TestGateway.gateway().broker().server();
    }

    private static long messageCount(String queue) {
        org.apache.activemq.artemis.core.server.Queue q = server().locateQueue(SimpleString.of(queue));
        return q == null ? 0 : q.getMessageCount();
    }

    @Test
    void should_move_a_large_body_intact_through_a_file() throws Exception {
        byte[] large = new byte[300 * 1024 + 7]; // above the broker's 100 KiB large-message threshold
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) ('a' + i % 26);
        }
        String id = enqueue(QueueCommand.DLQ, "", "kim@far.invalid", 4, 0, large, Map.of(MailHeaders.DLQ_REASON, "x"));
        // DLQ to DLQ: nothing consumes it, so the test can read the moved copy back whole.
        try (QueueAdmin admin = QueueAdmin.connect("127.0.0.1", TestGateway.brokerPort(), TestGateway.brokerCredentials())) {
            assertThat(admin.moveFresh(QueueCommand.DLQ, QueueAdmin.filter(id), QueueCommand.DLQ, QueueCommand.DLQ,
                    Set.of(MailHeaders.ATTEMPTS), Map.of(), 1)).hasSize(1);
        }
        try (Session session = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer consumer = session.createConsumer(session.createQueue(QueueCommand.DLQ), QueueAdmin.filter(id))) {
            BytesMessage moved = (BytesMessage) consumer.receive(10_000);
            assertThat(moved).isNotNull();
            assertThat(moved.propertyExists(MailHeaders.ATTEMPTS)).isFalse();
            assertThat(moved.getStringProperty(MailHeaders.DLQ_REASON)).isEqualTo("x");
            byte[] body = new byte[(int) moved.getBodyLength()];
            moved.readBytes(body);
            assertThat(body).isEqualTo(large);
            assertThat(consumer.receiveNoWait()).isNull();
        }
    }

    @Test
    void should_exit_1_for_an_unknown_id() throws Exception {
        for (String[] args : List.of(new String[] {"queue", "show", "NOSUCHID"}, new String[] {"queue", "retry", "NOSUCHID"},
                new String[] {"queue", "delete", "NOSUCHID"}, new String[] {"dlq", "requeue", "NOSUCHID"})) {
            Run run = cli(args);
            assertThat(run.status()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(run.err()).contains("no message NOSUCHID");
        }
    }

    @Test
    void should_exit_2_on_usage_errors() throws Exception {
        for (String[] args : List.of(new String[] {"queue"}, new String[] {"queue", "flush"}, new String[] {"queue", "show"},
                new String[] {"queue", "show", "a'b"}, new String[] {"dlq", "requeue"}, new String[] {"queue", "list", "extra"})) {
            Run run = cli(args);
            assertThat(run.status()).as(String.join(" ", args)).isEqualTo(2);
        }
    }

    @Test
    void should_exit_3_when_no_gateway_listens_on_the_broker_port() throws Exception {
        int nobody = TestGateway.freePort();

        Run run = cli(nobody, "queue", "list");

        assertThat(run.status()).isEqualTo(3);
        assertThat(run.err()).contains("127.0.0.1:" + nobody, "BROKER_PORT", "is the gateway running");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void should_exit_4_and_name_the_file_when_the_credentials_are_missing(@TempDir Path otherDataDir) throws Exception {
        Run run = cli(TestGateway.brokerPort(), otherDataDir, "queue", "list");

        assertThat(run.status()).isEqualTo(4);
        assertThat(run.err()).contains(AdminCredentials.file(otherDataDir).toString(), "DATA_DIR");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void should_exit_4_when_the_broker_refuses_the_credentials(@TempDir Path otherDataDir) throws Exception {
        AdminCredentials.loadOrCreate(otherDataDir); // another gateway's file: another password

        Run run = cli(TestGateway.brokerPort(), otherDataDir, "queue", "list");

        assertThat(run.status()).isEqualTo(4);
        assertThat(run.err()).contains("refused the credentials", "DATA_DIR");
        assertThat(run.out()).isEmpty();
    }

    private static void setProperty(jakarta.jms.Message m, String key, Object value) {
        try {
            m.setObjectProperty(key, value);
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
