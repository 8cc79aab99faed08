package io.mailgateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A store that can never store a message puts it in its own dead-letter queue after ONE attempt,
 * with the reason; {@code queue dlq list} shows it; once the cause is fixed, {@code queue dlq
 * requeue ID} stores it, in that store only. The permanent cause is real: SQLite refusing the row
 * (a trigger's RAISE(ABORT), i.e. SQLITE_CONSTRAINT, as a CHECK or foreign key would), fixed by
 * dropping the trigger.
 */
@ExtendWith(TestGateway.class)
class StoreDeadLetterTest {

    private static final String SQL_DLQ = "store.sql.dlq";

    @Test
    void should_move_a_row_the_database_refuses_to_the_sql_dlq_after_one_attempt_and_store_it_after_requeue() throws Exception {
        String subject = "refused-" + System.nanoTime();
        String rcpt = TestGateway.uniqueUser("dlq") + "@example.com";
        AttemptCounter attempts = AttemptCounter.on("store-sql");
        double deadLettersBefore = deadLetters("sql");
        execute("CREATE TRIGGER refuse_" + subject.replace('-', '_') + " BEFORE INSERT ON messages"
                + " WHEN NEW.subject = '" + subject + "' BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END");
        String id;
        try {
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
                id = c.sendMail("sender@example.org", List.of(rcpt),
                        ("Subject: " + subject + "\r\n\r\nnever a row\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> count(SQL_DLQ, id) == 1);

            assertThat(attempts.of(id)).as("attempts of store-sql").isEqualTo(1);
            assertThat(count(EmbeddedBroker.storeQueue("sql"), id)).isZero(); // acked with the dead-letter send
            assertThat(rowCount(id)).isZero();
            assertThat(deadLetters("sql")).isEqualTo(deadLettersBefore + 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> TestGateway.newMail(rcpt).size() == 1); // other stores unaffected

            Cli list = cli("queue", "dlq", "list");
            assertThat(list.status()).as(list.err()).isZero();
            String row = list.out().lines().filter(l -> l.startsWith(id)).findFirst().orElseThrow();
            assertThat(row).contains(SQL_DLQ, "<sender@example.org>", rcpt, "sql: ", "refused by the test trigger");
            assertThat(list.out()).contains("QUEUE", "IN DLQ SINCE (UTC)", "REASON", SQL_DLQ + ": ");
        } finally {
            execute("DROP TRIGGER IF EXISTS refuse_" + subject.replace('-', '_'));
        }

        // The cause is fixed: requeue. The other stores' queues are held still, so the assertion
        // that they got no second copy does not race with their consumers.
        List<String> others = List.of("maildir", "s3", "archive", "memory");
        others.forEach(s -> queue(EmbeddedBroker.storeQueue(s)).pause());
        try {
            Cli requeue = cli("queue", "dlq", "requeue", id);

            assertThat(requeue.status()).as(requeue.err()).isZero();
            assertThat(requeue.out()).contains("requeued " + id + " from " + SQL_DLQ + " to mail.accepted::store.sql");
            await().atMost(Duration.ofSeconds(30)).until(() -> rowCount(id) == 1);
            assertThat(count(SQL_DLQ, id)).isZero();
            for (String store : others) {
                assertThat(count(EmbeddedBroker.storeQueue(store), id)).as("copies in store.%s", store).isZero();
            }
            assertThat(count("delivery", id)).isZero();
            assertThat(attempts.of(id)).isEqualTo(2);
        } finally {
            others.forEach(s -> queue(EmbeddedBroker.storeQueue(s)).resume());
            attempts.close();
        }
        assertThat(cli("queue", "dlq", "requeue", id).status()).isEqualTo(1); // it has left the DLQ
    }

    @Test
    void should_sort_what_the_broker_dead_letters_into_the_store_dlq_by_original_queue() throws Exception {
        // What the broker does when a store queue reaches max-delivery-attempts: a copy to
        // store.dead-letters stamped with _AMQ_ORIG_QUEUE. The gateway's divert takes it from there.
        String id = "broker" + System.nanoTime();
        TestGateway.camel().createProducerTemplate().sendBodyAndHeaders("jms:queue:" + EmbeddedBroker.STORE_DEAD_LETTERS,
                "Subject: x\r\n\r\ny\r\n", Map.of(MailHeaders.QUEUE_ID, id, "_AMQ_ORIG_QUEUE", "store.archive"));

        await().atMost(Duration.ofSeconds(10)).until(() -> count("store.archive.dlq", id) == 1);
        assertThat(count(EmbeddedBroker.STORE_DEAD_LETTERS, id)).isZero();
        queue("store.archive.dlq").deleteMatchingReferences(filter(id));
    }

    private static ActiveMQServer server() {
        return TestGateway.gateway().broker().server();
    }

    private static Queue queue(String name) {
        return server().locateQueue(SimpleString.of(name));
    }

    private static org.apache.activemq.artemis.core.filter.Filter filter(String id) throws Exception {
        return org.apache.activemq.artemis.core.filter.impl.FilterImpl.createFilter(MailHeaders.QUEUE_ID + " = '" + id + "'");
    }

    /** Messages with this queue ID in a queue, scheduled or in delivery included. */
    static long count(String queueName, String id) throws Exception {
        Queue q = queue(queueName);
        return q == null ? 0 : q.getMessageCount() == 0 ? 0 : countMatching(q, id);
    }

    private static long countMatching(Queue q, String id) throws Exception {
        org.apache.activemq.artemis.core.filter.Filter f = filter(id);
        long n = 0;
        try (var it = q.browserIterator()) {
            while (it.hasNext()) {
                if (f.match(it.next().getMessage())) {
                    n++;
                }
            }
        }
        return n;
    }

    private static double deadLetters(String store) {
        MeterRegistry registry = TestGateway.camel().getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        return registry.get("smtp.store.dead.letters").tag("store", store).counter().count();
    }

    static void execute(String sql) throws Exception {
        try (Connection c = TestGateway.sqlDataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static int rowCount(String id) throws Exception {
        try (Connection c = TestGateway.sqlDataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM messages WHERE queue_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    record Cli(int status, String out, String err) {
    }

    static Cli cli(String... args) throws Exception {
        io.mailgateway.testing.CliRun run = io.mailgateway.testing.CliRun.run(args);
        return new Cli(run.status(), run.out(), run.err());
    }

    /** Counts the attempts (exchanges completed or failed, one message or a batch holding it) of one route for one queue ID. */
    static final class AttemptCounter extends EventNotifierSupport implements AutoCloseable {
        private final String routeId;
        /** Exchanges per queue ID, for every message the route sees: the ID is known to the test only
         * after the 250, and the store may have finished its attempt by then. */
        private final Map<String, AtomicInteger> counts = new java.util.concurrent.ConcurrentHashMap<>();

        private AttemptCounter(String routeId) {
            this.routeId = routeId;
        }

        static AttemptCounter on(String routeId) throws Exception {
            AttemptCounter counter = new AttemptCounter(routeId);
            counter.start();
            TestGateway.camel().getManagementStrategy().addEventNotifier(counter);
            return counter;
        }

        int of(String id) {
            AtomicInteger n = counts.get(id);
            return n == null ? 0 : n.get();
        }

        @Override
        public void notify(CamelEvent event) {
            Exchange e = ((CamelEvent.ExchangeEvent) event).getExchange();
            if (routeId.equals(e.getFromRouteId())) {
                for (Object id : carried(e)) {
                    if (id != null) {
                        counts.computeIfAbsent(id.toString(), k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            }
        }

        /** The queue IDs of the exchange: one message (storeJms), or a batch (storeBatch). */
        private static List<Object> carried(Exchange e) {
            if (e.getIn().getBody() instanceof StoreBatch batch) {
                return batch.entries().stream().map(b -> b.message().getHeader(MailHeaders.QUEUE_ID)).toList();
            }
            return java.util.Collections.singletonList(e.getIn().getHeader(MailHeaders.QUEUE_ID));
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
        }

        @Override
        public void close() {
            TestGateway.camel().getManagementStrategy().removeEventNotifier(this);
        }
    }
}
