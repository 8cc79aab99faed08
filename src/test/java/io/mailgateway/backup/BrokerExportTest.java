package io.mailgateway.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.broker.EmbeddedBroker;
import io.mailgateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The online export on the test gateway's broker, with a queue of its own holding 50 messages and
 * a consumer (default 1 MiB window, as the gateway's) busy with its first: a browser sees none of
 * them, and the export must say so rather than look complete.
 */
@ExtendWith(TestGateway.class)
class BrokerExportTest {

    private static final String QUEUE = "export.test";
    private static final Pattern HELD = Pattern.compile("about (\\d+) held by consumers at that moment NOT exported");

    @TempDir
    Path dir;

    private static long exported(Path backup) throws Exception {
        try (Stream<Path> files = Files.list(backup.resolve(BrokerExport.DIR_NAME).resolve(QUEUE))) {
            return files.filter(f -> f.toString().endsWith(".msg")).count();
        }
    }

    @Test
    void should_say_how_many_messages_consumers_held_out_of_the_export() throws Exception {
        AdminCredentials credentials = TestGateway.brokerCredentials();
        try (ServerLocator locator = ActiveMQClient.createServerLocator(EmbeddedBroker.IN_VM_URL);
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession producer = factory.createSession(credentials.user(), credentials.password(), false, true, true, false, 0)) {
            // an address and queue of the test's own: the broker refuses to create them on the fly
            TestGateway.gateway().broker().server().addAddressInfo(new org.apache.activemq.artemis.core.server.impl.AddressInfo(
                    SimpleString.of(QUEUE), RoutingType.ANYCAST));
            TestGateway.gateway().broker().server().createQueue(QueueConfiguration.of(QUEUE).setAddress(QUEUE)
                    .setRoutingType(RoutingType.ANYCAST));
            ClientProducer p = producer.createProducer(QUEUE);
            for (int i = 0; i < 50; i++) {
                ClientMessage m = producer.createMessage(Message.BYTES_TYPE, true);
                m.getBodyBuffer().writeBytes(new byte[1024]);
                p.send(m);
            }
            try (ClientSession store = factory.createSession(credentials.user(), credentials.password(), false, false, false, false, 0)) {
                store.start();
                ClientConsumer c = store.createConsumer(QUEUE);
                assertThat(c.receive(5_000)).isNotNull(); // being stored: not acknowledged yet
                Queue queue = TestGateway.gateway().broker().server().locateQueue(SimpleString.of(QUEUE));
                long until = System.nanoTime() + 10_000_000_000L;
                while (queue.getDeliveringCount() < 50 && System.nanoTime() < until) {
                    LockSupport.parkNanos(10_000_000); // the rest of the window on its way to the client buffer
                }
                String line = new BrokerExport(EmbeddedBroker.IN_VM_URL, credentials).writeInto(dir.resolve("busy"));
                Matcher held = HELD.matcher(line);
                assertThat(held.find()).as(line).isTrue();
                // other queues of the test gateway may hold some too
                assertThat(Long.parseLong(held.group(1))).as(line).isGreaterThanOrEqualTo(50 - exported(dir.resolve("busy")));
                assertThat(exported(dir.resolve("busy"))).isLessThan(50);
            }
            new BrokerExport(EmbeddedBroker.IN_VM_URL, credentials).writeInto(dir.resolve("idle"));
            assertThat(exported(dir.resolve("idle"))).as("with the consumer gone every message is browsed").isEqualTo(50);
            producer.deleteQueue(QUEUE);
        }
    }
}
