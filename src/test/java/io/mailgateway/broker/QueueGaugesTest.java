package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.TestGateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.server.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The queue gauges on the test gateway's broker, on a store queue of their own ("store.gauges",
 * on an address nothing else sends to): 50 messages received an hour ago, and a consumer
 * (default 1 MiB window, as the gateway's) stuck on its first one.
 */
@ExtendWith(TestGateway.class)
class QueueGaugesTest {

    private static final String STORE = "gauges";

    @Test
    void should_count_the_age_of_mail_a_stuck_consumer_holds() throws Exception {
        EmbeddedBroker broker = TestGateway.gateway().broker();
        String queueName = EmbeddedBroker.storeQueue(STORE);
        AdminCredentials credentials = TestGateway.brokerCredentials();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        QueueGauges.register(registry, broker, List.of(STORE));
        try (ServerLocator locator = ActiveMQClient.createServerLocator(EmbeddedBroker.IN_VM_URL);
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession producer = factory.createSession(credentials.user(), credentials.password(), false, true, true, false, 0)) {
            // an address and queue of the test's own: the broker refuses to create them on the fly
            TestGateway.gateway().broker().server().addAddressInfo(new org.apache.activemq.artemis.core.server.impl.AddressInfo(
                    SimpleString.of("gauges.test"), RoutingType.ANYCAST));
            TestGateway.gateway().broker().server().createQueue(QueueConfiguration.of(queueName).setAddress("gauges.test")
                    .setRoutingType(RoutingType.ANYCAST));
            ClientProducer p = producer.createProducer("gauges.test");
            long hourAgo = System.currentTimeMillis() - 3_600_000;
            for (int i = 0; i < 50; i++) {
                ClientMessage m = producer.createMessage(Message.BYTES_TYPE, true);
                m.putLongProperty("MailReceivedAt", hourAgo);
                m.getBodyBuffer().writeBytes(new byte[1024]);
                p.send(m);
            }
            try (ClientSession store = factory.createSession(credentials.user(), credentials.password(), false, false, false, false, 0)) {
                store.start();
                ClientConsumer c = store.createConsumer(queueName);
                assertThat(c.receive(5_000)).isNotNull(); // being stored: not acknowledged yet
                Queue queue = broker.server().locateQueue(SimpleString.of(queueName));
                long until = System.nanoTime() + 10_000_000_000L;
                while (queue.getDeliveringCount() < 50 && System.nanoTime() < until) {
                    LockSupport.parkNanos(10_000_000); // the rest of the window on its way to the client buffer
                }
                double size = registry.get("smtp.queue.size").tag("queue", queueName).gauge().value();
                double age = registry.get("smtp.queue.oldest.age").tag("queue", queueName).gauge().value();
                assertThat(size).isEqualTo(50);
                assertThat(age).as("oldest age with %s messages in the queue, all received an hour ago", size).isGreaterThan(3000);
            }
            producer.deleteQueue(queueName);
        }
    }
}
