package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.message.MailHeaders;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message written on the broker itself ({@link AcceptedQueue}'s common case) is confirmed only
 * after its journal sync. The broker here syncs its journal at most once a second
 * (journal-buffer-timeout: its timer flushes and syncs, then sleeps that long). So a write that
 * waits for its sync cannot return sooner than that after the previous write's sync, and three
 * writes in a row take well over a second; a write that returned on routing alone would take
 * milliseconds. (Checked: with the wait for the operation context removed, this test fails.)
 */
class BrokerWriteSyncTest {

    private static final String ADDRESS = "sync.test";
    private static final long SYNC_INTERVAL_NANOS = 1_000_000_000L;

    @TempDir
    Path dir;

    private EmbeddedActiveMQ embedded;

    @AfterEach
    void stop() throws Exception {
        if (embedded != null) {
            embedded.stop();
        }
    }

    @Test
    void should_confirm_a_write_on_the_broker_only_after_its_journal_sync() throws Exception {
        ActiveMQServer server = start();
        AcceptedQueue queue = new AcceptedQueue(ADDRESS, null, () -> server);
        DefaultCamelContext camel = new DefaultCamelContext();

        queue.process(exchange(camel)); // the timer's first flush comes at once
        long start = System.nanoTime();
        queue.process(exchange(camel));
        queue.process(exchange(camel));
        long took = System.nanoTime() - start;

        assertThat(took).as("two writes, each waiting for a sync the broker makes once a second (ns)")
                .isGreaterThan(SYNC_INTERVAL_NANOS);
        assertThat(queue.writtenOnBroker()).as("written on the broker").isEqualTo(3);
        assertThat(server.locateQueue(SimpleString.of(ADDRESS)).getMessageCount()).as("messages queued").isEqualTo(3);
    }

    private ActiveMQServer start() throws Exception {
        Configuration config = new ConfigurationImpl()
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setJournalSyncNonTransactional(true)
                .setJournalDatasync(true)
                .setJournalBufferTimeout_NIO((int) SYNC_INTERVAL_NANOS)
                .addAcceptorConfiguration("in-vm", "vm://7301");
        embedded = new EmbeddedActiveMQ().setConfiguration(config);
        embedded.start();
        ActiveMQServer server = embedded.getActiveMQServer();
        server.createQueue(QueueConfiguration.of(ADDRESS).setAddress(ADDRESS).setRoutingType(RoutingType.MULTICAST)
                .setDurable(true));
        return server;
    }

    private static Exchange exchange(DefaultCamelContext camel) {
        Exchange exchange = new DefaultExchange(camel);
        byte[] body = new byte[1024];
        Arrays.fill(body, (byte) 'a');
        exchange.getIn().setBody(body);
        exchange.getIn().setHeader(MailHeaders.QUEUE_ID, "4ZkQ0sync");
        exchange.getIn().setHeader(MailHeaders.SIZE, 1024L);
        return exchange;
    }
}
