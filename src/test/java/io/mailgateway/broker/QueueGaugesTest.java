package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue gauges on a real embedded broker with one store queue, 50 messages accepted an hour
 * ago, and a store consumer (default 1 MiB window, as the gateway's) busy with its first message.
 */
class QueueGaugesTest {

    @TempDir
    Path dir;
    EmbeddedBroker broker;
    AdminCredentials credentials;
    ServerLocator locator;
    ClientSessionFactory factory;

    @BeforeEach
    void start() throws Exception {
        Path data = dir.resolve("data");
        credentials = AdminCredentials.loadOrCreate(data);
        broker = new EmbeddedBroker();
        broker.start(Path.of("broker", "broker.xml").toUri().toURL(), data, List.of("maildir"), Map.of(), 0, credentials);
        locator = ActiveMQClient.createServerLocator(EmbeddedBroker.IN_VM_URL);
        factory = locator.createSessionFactory();
        try (ClientSession s = factory.createSession(credentials.user(), credentials.password(), false, true, true, false, 0)) {
            ClientProducer p = s.createProducer(EmbeddedBroker.ACCEPTED_ADDRESS);
            long hourAgo = System.currentTimeMillis() - 3_600_000;
            for (int i = 0; i < 50; i++) {
                ClientMessage m = s.createMessage(Message.BYTES_TYPE, true);
                m.setRoutingType(RoutingType.MULTICAST);
                m.putLongProperty("MailReceivedAt", hourAgo);
                m.getBodyBuffer().writeBytes(new byte[1024]);
                p.send(m);
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        factory.close();
        locator.close();
        broker.stop();
    }

    /** A store consumer busy with one message: the rest of its window sits in its client buffer. */
    private ClientSession busyStoreConsumer() throws Exception {
        ClientSession store = factory.createSession(credentials.user(), credentials.password(), false, false, false, false, 0);
        store.start();
        ClientConsumer c = store.createConsumer(EmbeddedBroker.storeQueue("maildir"));
        assertThat(c.receive(5_000)).isNotNull(); // being stored: not acknowledged yet
        Queue queue = broker.server().locateQueue(SimpleString.of(EmbeddedBroker.storeQueue("maildir")));
        long until = System.nanoTime() + 10_000_000_000L;
        while (queue.getDeliveringCount() < 50 && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // the rest of the window on its way to the client buffer
        }
        return store;
    }

    @Test
    void should_count_the_age_of_mail_a_stuck_consumer_holds() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        QueueGauges.register(registry, broker, List.of("maildir"));
        try (ClientSession store = busyStoreConsumer()) {
            double size = registry.get("smtp.queue.size").tag("queue", "store.maildir").gauge().value();
            double age = registry.get("smtp.queue.oldest.age").tag("queue", "store.maildir").gauge().value();
            assertThat(size).isEqualTo(50);
            assertThat(age).as("oldest age with %s messages in the queue, all received an hour ago", size).isGreaterThan(3000);
        }
    }
}
