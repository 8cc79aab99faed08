package io.mailgateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.store.batch.StoreBatchComponent;
import io.mailgateway.testing.LogEvents;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.TransactionOperationAbstract;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The batch consumer on the real gateway (embedded broker, Maildir, SQLite): messages queue while
 * the store route is stopped, then the route starts and takes them in batches. A broker plugin
 * sees every acknowledgement of the store queue with its transaction, and checks at that moment
 * that the message is already in the store: nothing is acknowledged before its durable write.
 */
@ExtendWith(TestGateway.class)
class StoreBatchTest {

    private static final int MESSAGES = 20;

    private final List<String> routesStopped = new ArrayList<>();
    private AckWatch acks;
    private BatchWatch batches;

    @AfterEach
    void restore() throws Exception {
        for (String route : routesStopped) {
            TestGateway.camel().getRouteController().startRoute(route);
        }
        if (acks != null) {
            TestGateway.gateway().broker().server().unRegisterBrokerPlugin(acks);
        }
        if (batches != null) {
            batches.close();
        }
    }

    @Test
    void should_store_a_batch_once_each_and_ack_it_in_one_transaction() throws Exception {
        List<String> rcpts = users("batch", MESSAGES);
        watch("maildir", "store-maildir", id -> !TestGateway.newMail(rcptOf(id)).isEmpty());
        stop("store-maildir");
        for (String rcpt : rcpts) {
            remember(send(List.of(rcpt), "batched"), rcpt);
        }
        start("store-maildir");

        await().atMost(Duration.ofSeconds(30)).until(() -> acks.acked().size() == MESSAGES);
        for (String rcpt : rcpts) {
            assertThat(TestGateway.newMail(rcpt)).as(rcpt).hasSize(1);
        }
        assertThat(acks.beforeDurable()).as("acknowledged before its file was in new/").isEmpty();
        assertThat(batches.entries()).as("messages routed").isEqualTo(MESSAGES);
        assertThat(batches.exchanges()).as("exchanges for %d messages", MESSAGES).isLessThan(MESSAGES);
        // Each batch's acks share one broker transaction: as many transactions as batches.
        assertThat(acks.transactions()).isEqualTo(batches.exchanges());
    }

    @Test
    void should_ack_the_rest_of_a_batch_and_redeliver_only_the_message_that_failed_without_duplicates() throws Exception {
        List<String> rcpts = users("midbatch", 6);
        String blockedRcpt = TestGateway.uniqueUser("blockedbatch") + "@example.com";
        // A file where the mailbox's new/ must be: its file is written to tmp/, and its rename into
        // new/ fails, after the other recipient's file was renamed into its own new/.
        Path box = TestGateway.maildir().resolve("example.com").resolve(blockedRcpt.substring(0, blockedRcpt.indexOf('@')));
        Files.createDirectories(box.resolve("tmp"));
        Files.createDirectories(box.resolve("cur"));
        Path blocker = Files.writeString(box.resolve("new"), "not a directory");
        // durable: in new/, or in cur/ where the test moves one copy as a mail client would
        watch("maildir", "store-maildir", id -> rcptsOf(id).stream().allMatch(r -> !TestGateway.newMail(r).isEmpty() || read(r)));
        stop("store-maildir");
        for (String rcpt : rcpts.subList(0, 3)) {
            remember(send(List.of(rcpt), "before"), rcpt);
        }
        // one mailbox written, the other failing: the message fails as a whole, and its redelivery
        // must not write the first mailbox again
        String blocked = send(List.of(rcpts.get(3), blockedRcpt), "blocked");
        remember(blocked, rcpts.get(3), blockedRcpt);
        for (String rcpt : rcpts.subList(4, 6)) {
            remember(send(List.of(rcpt), "after"), rcpt);
        }
        try (LogEvents log = LogEvents.capture()) {
            start("store-maildir");

            await().atMost(Duration.ofSeconds(30)).until(() -> acks.acked().size() == 5);
            await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().stream().anyMatch(l -> l.startsWith("WARN ")
                    && l.contains("storeBatch store.maildir: 1 of ") && l.contains("not stored, the broker redelivers them: ")
                    && l.contains("Not a directory")));
            // One WARN line per failed batch, from the consumer; not also Camel's ERROR with its stack trace.
            assertThat(log.lines()).noneMatch(l -> l.contains("Failed delivery for"));
        }
        assertThat(acks.acked()).doesNotContain(blocked);
        assertThat(TestGateway.gateway().broker().depth("maildir")).as("still queued: the blocked message").isGreaterThanOrEqualTo(1);
        assertThat(TestGateway.newMail(rcpts.get(3))).as("written before the failure").hasSize(1);
        // a mail client reads the copy already delivered, moving it to cur/ with flags: the
        // redelivery must find it there (it is one only if the failed attempt counted as one)
        Path written = TestGateway.newMail(rcpts.get(3)).get(0);
        Path read = Files.move(written, written.getParent().resolveSibling("cur").resolve(written.getFileName() + ":2,S"));

        Files.delete(blocker);
        Files.createDirectory(blocker);
        await().atMost(Duration.ofSeconds(30)).until(() -> acks.acked().contains(blocked));
        assertThat(TestGateway.newMail(rcpts.get(3))).as("no second copy beside the one read").isEmpty();
        assertThat(read).exists();
        for (String rcpt : rcpts) {
            if (!rcpt.equals(rcpts.get(3))) {
                assertThat(TestGateway.newMail(rcpt)).as(rcpt).hasSize(1);
            }
        }
        assertThat(TestGateway.newMail(blockedRcpt)).hasSize(1);
        assertThat(acks.beforeDurable()).as("acknowledged before its files were in new/").isEmpty();
        assertThat(batches.failed()).as("the batch holding the blocked message failed").isGreaterThan(0);
    }

    @Test
    void should_move_a_row_the_database_refuses_to_the_dlq_and_store_the_rest_of_its_batch() throws Exception {
        String subject = "refusedbatch" + System.nanoTime();
        execute("CREATE TRIGGER " + subject + " BEFORE INSERT ON messages WHEN NEW.subject = '" + subject
                + "' BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END");
        try {
            watch("sql", "store-sql", id -> rows(id) == 1);
            stop("store-sql");
            List<String> rcpts = users("sqlbatch", 4);
            List<String> ids = new ArrayList<>();
            for (String rcpt : rcpts) {
                ids.add(send(List.of(rcpt), "fine"));
                remember(ids.get(ids.size() - 1), rcpt);
            }
            String refused = send(List.of(rcpts.get(0)), subject);
            remember(refused, rcpts.get(0));
            start("store-sql");

            await().atMost(Duration.ofSeconds(30)).until(() -> acks.acked().size() == 5);
            // the plugin sees each ack inside the batch's transaction; the dead letter is there once it commits
            await().atMost(Duration.ofSeconds(30)).until(() -> count(EmbeddedBroker.storeQueue("sql") + ".dlq", refused) == 1);
            for (String id : ids) {
                assertThat(rows(id)).as(id).isEqualTo(1);
            }
            assertThat(rows(refused)).isZero();
            assertThat(count(EmbeddedBroker.storeQueue("sql"), refused)).isZero();
            assertThat(acks.beforeDurable()).as("acknowledged before its row (the dead letter aside)").containsExactly(refused);
        } finally {
            execute("DROP TRIGGER IF EXISTS " + subject);
        }
    }

    /**
     * A store route that throws an Error (a store step's StackOverflowError, an operator's
     * processor) rolls its batch back as counted attempts, and the consumer goes on. The route
     * here is the real SQL store behind a step that throws for one message until that message
     * comes back marked as seen before. Before, the Error was rolled back with no attempt counted:
     * the message came back as a first delivery every second, so this route threw forever.
     */
    @Test
    void should_count_an_attempt_when_the_route_throws_an_error_and_store_the_batch_on_redelivery() throws Exception {
        List<String> rcpts = users("errorbatch", 2);
        List<Boolean> poisonSeenBefore = new CopyOnWriteArrayList<>();
        watch("sql", "store-sql-throws", id -> rows(id) == 1);
        stop("store-sql");
        String poison = send(List.of(rcpts.get(0)), "throws an error");
        String fine = send(List.of(rcpts.get(1)), "fine");
        remember(poison, rcpts.get(0));
        remember(fine, rcpts.get(1));
        org.apache.camel.Processor sqlStore = TestGateway.camel().getRegistry().lookupByNameAndType("sqlStore", org.apache.camel.Processor.class);
        TestGateway.camel().addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("storeBatch:" + EmbeddedBroker.storeQueue("sql")).routeId("store-sql-throws").process(exchange -> {
                    for (BatchEntry entry : exchange.getIn().getBody(StoreBatch.class).pending()) {
                        if (poison.equals(entry.message().getHeader(MailHeaders.QUEUE_ID, String.class))) {
                            boolean seen = Boolean.TRUE.equals(entry.message().getHeader("JMSRedelivered", Boolean.class));
                            poisonSeenBefore.add(seen);
                            if (!seen) {
                                throw new StackOverflowError("thrown by the test's store step");
                            }
                        }
                    }
                    sqlStore.process(exchange);
                });
            }
        });
        try (LogEvents log = LogEvents.capture()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> acks.acked().containsAll(List.of(poison, fine)));
            assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN ") && l.contains("storeBatch store.sql: batch of ")
                    && l.contains("rolled back") && l.contains("StackOverflowError"));
        } finally {
            TestGateway.camel().getRouteController().stopRoute("store-sql-throws");
            TestGateway.camel().removeRoute("store-sql-throws");
        }
        assertThat(poisonSeenBefore).as("the throwing attempt counted: the next one is marked redelivered").startsWith(false, true);
        assertThat(rows(poison)).isEqualTo(1);
        assertThat(rows(fine)).isEqualTo(1);
        assertThat(acks.beforeDurable()).isEmpty();
    }

    @Test
    void should_end_a_batch_when_the_bodies_it_holds_in_the_heap_reach_the_bound() throws Exception {
        int size = 200 * 1024; // under the large-message threshold: one journal record, held in the heap
        int messages = 100; // 20 MB: without the bound, one batch holds many times 2 MiB of them
        List<String> rcpts = users("heapbatch", messages);
        watch("maildir", "store-maildir", id -> !TestGateway.newMail(rcptOf(id)).isEmpty());
        stop("store-maildir");
        for (String rcpt : rcpts) {
            remember(send(List.of(rcpt), "heap", size), rcpt);
        }
        start("store-maildir");

        await().atMost(Duration.ofSeconds(60)).until(() -> acks.acked().size() == messages);
        for (String rcpt : rcpts) {
            assertThat(TestGateway.newMail(rcpt)).as(rcpt).hasSize(1);
        }
        assertThat(batches.entries()).isEqualTo(messages);
        assertThat(batches.largestHeapBytes()).as("bodies in the heap of the largest batch")
                .isGreaterThan(0)
                .isLessThan(StoreBatchComponent.HEAP_BYTES_PER_BATCH + size + 8192);
        assertThat(acks.beforeDurable()).isEmpty();
    }

    // --- what the tests watch

    private final Map<String, List<String>> rcptsById = new ConcurrentHashMap<>();

    private void remember(String id, String... rcpts) {
        rcptsById.put(id, List.of(rcpts));
    }

    private List<String> rcptsOf(String id) {
        return rcptsById.getOrDefault(id, List.of());
    }

    private String rcptOf(String id) {
        return rcptsOf(id).get(0);
    }

    private void watch(String store, String route, Predicate<String> durable) throws Exception {
        acks = new AckWatch(EmbeddedBroker.storeQueue(store), durable);
        TestGateway.gateway().broker().server().registerBrokerPlugin(acks);
        batches = BatchWatch.on(route, rcptsById::containsKey);
    }

    private void stop(String route) throws Exception {
        TestGateway.camel().getRouteController().stopRoute(route);
        routesStopped.add(route);
    }

    private void start(String route) throws Exception {
        TestGateway.camel().getRouteController().startRoute(route);
        routesStopped.remove(route);
    }

    private static List<String> users(String prefix, int n) {
        List<String> rcpts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rcpts.add(TestGateway.uniqueUser(prefix) + "@example.com");
        }
        return rcpts;
    }

    private static String send(List<String> rcpts, String subject) throws Exception {
        return send(rcpts, subject, "body\r\n");
    }

    /** A message whose body is about {@code bodySize} octets (lines of 76). */
    private static String send(List<String> rcpts, String subject, int bodySize) throws Exception {
        StringBuilder body = new StringBuilder(bodySize + 100);
        while (body.length() < bodySize) {
            body.append("x".repeat(74)).append("\r\n");
        }
        return send(rcpts, subject, body.toString());
    }

    private static String send(List<String> rcpts, String subject, String body) throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            return c.sendMail("sender@example.org", rcpts,
                    ("Subject: " + subject + "\r\n\r\n" + body + ".\r\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static long count(String queueName, String id) throws Exception {
        return StoreDeadLetterTest.count(queueName, id);
    }

    private static int rows(String id) {
        try {
            return StoreDeadLetterTest.rowCount(id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(String sql) throws Exception {
        StoreDeadLetterTest.execute(sql);
    }

    /** Every acknowledgement on one store queue, its transaction, and whether the store had the message then. */
    /** A message in the mailbox's cur/: one a mail client has read. */
    private static boolean read(String address) {
        Path newDir = TestGateway.maildir().resolve(address.substring(address.indexOf('@') + 1))
                .resolve(address.substring(0, address.indexOf('@'))).resolve("new");
        try (java.util.stream.Stream<Path> files = Files.list(newDir.resolveSibling("cur"))) {
            return files.findAny().isPresent();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static final class AckWatch implements ActiveMQServerMessagePlugin {
        private final String queue;
        private final Predicate<String> durable;
        private final Set<String> acked = ConcurrentHashMap.newKeySet();
        private final Set<Long> transactions = ConcurrentHashMap.newKeySet();
        private final List<String> beforeDurable = new CopyOnWriteArrayList<>();

        AckWatch(String queue, Predicate<String> durable) {
            this.queue = queue;
            this.durable = durable;
        }

        @Override
        public void messageAcknowledged(Transaction tx, MessageReference ref, AckReason reason, ServerConsumer consumer) {
            if (!queue.equals(ref.getQueue().getName().toString())) {
                return;
            }
            String id = ref.getMessage().getStringProperty(MailHeaders.QUEUE_ID);
            boolean stored = durable.test(id); // as it is when acknowledged, not when committed
            Runnable record = () -> {
                acked.add(id);
                transactions.add(tx == null ? -1 : tx.getID());
                if (!stored) {
                    beforeDurable.add(id);
                }
            };
            if (tx == null) {
                record.run();
            } else {
                // a failed message is acknowledged in a transaction that is rolled back (so the
                // attempt counts): only a committed acknowledgement is one
                tx.addOperation(new TransactionOperationAbstract() {
                    @Override
                    public void afterCommit(Transaction committed) {
                        record.run();
                    }
                });
            }
        }

        Set<String> acked() {
            return acked;
        }

        int transactions() {
            return transactions.size();
        }

        List<String> beforeDurable() {
            return beforeDurable;
        }
    }

    /** The batch exchanges of one route holding this test's messages: how many, how many messages in them, how many failed. */
    private static final class BatchWatch extends EventNotifierSupport implements AutoCloseable {
        private final String route;
        private final Predicate<String> ours;
        private final List<Integer> sizes = new CopyOnWriteArrayList<>();
        private final List<Boolean> failures = new CopyOnWriteArrayList<>();
        private final List<Long> heapBytes = new CopyOnWriteArrayList<>();

        private BatchWatch(String route, Predicate<String> ours) {
            this.route = route;
            this.ours = ours;
        }

        static BatchWatch on(String route, Predicate<String> ours) throws Exception {
            BatchWatch watch = new BatchWatch(route, ours);
            watch.start();
            TestGateway.camel().getManagementStrategy().addEventNotifier(watch);
            return watch;
        }

        @Override
        public void notify(CamelEvent event) {
            Exchange e = ((CamelEvent.ExchangeEvent) event).getExchange();
            if (route.equals(e.getFromRouteId()) && e.getIn().getBody() instanceof StoreBatch batch) {
                int n = (int) batch.entries().stream().filter(b -> ours.test(b.message().getHeader(MailHeaders.QUEUE_ID, String.class))).count();
                if (n > 0) {
                    sizes.add(n);
                    failures.add(event instanceof CamelEvent.ExchangeFailedEvent);
                    // every entry of the batch, ours or not: the bound is on the whole batch
                    heapBytes.add(batch.entries().stream().map(b -> b.message().getBody())
                            .mapToLong(body -> body instanceof byte[] bytes ? bytes.length : 0).sum());
                }
            }
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
        }

        int exchanges() {
            return sizes.size();
        }

        int entries() {
            return sizes.stream().collect(Collectors.summingInt(Integer::intValue));
        }

        long largestHeapBytes() {
            return heapBytes.stream().mapToLong(Long::longValue).max().orElse(0);
        }

        long failed() {
            return failures.stream().filter(f -> f).count();
        }

        @Override
        public void close() {
            TestGateway.camel().getManagementStrategy().removeEventNotifier(this);
        }
    }
}
