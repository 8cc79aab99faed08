package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.TestGateway;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What DeliverProcessor and the stores' dead-letter send (routes/store-errors.camel.yaml) rely on:
 * a message sent through the "jms" component from inside a transacted JMS consumer (same thread,
 * same connection factory; the store routes consume with "storeJms", which shares it) is part of
 * the consumer's transaction. A rollback after the send discards the sent message with the
 * consumed one's ack; a commit makes both happen. Real embedded broker, real camel-jms.
 */
@ExtendWith(TestGateway.class)
class ConsumerTransactionTest {

    @ParameterizedTest
    @ValueSource(strings = {"jms", "storeJms"})
    void should_discard_messages_sent_inside_a_transacted_consumer_when_it_rolls_back(String consumer) throws Exception {
        ActiveMQServer server = TestGateway.gateway().broker().server();
        String in = "test.tx." + consumer + ".in";
        String sent = "test.tx." + consumer + ".out";
        String routeId = "test-tx-" + consumer;
        for (String q : List.of(in, sent)) {
            server.addAddressInfo(new org.apache.activemq.artemis.core.server.impl.AddressInfo(SimpleString.of(q), RoutingType.ANYCAST));
            server.createQueue(QueueConfiguration.of(q).setRoutingType(RoutingType.ANYCAST).setDurable(false), true);
        }
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        TestGateway.camel().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // storeJms is transacted (and so on) by itself: no options needed
                from(consumer.equals("jms") ? "jms:queue:" + in + "?transacted=true&lazyCreateTransactionManager=false&cacheLevelName=CACHE_CONSUMER"
                        : "storeJms:queue:" + in)
                        .routeId(routeId).process(ex -> {
                            int attempt = attempts.size() + 1;
                            attempts.add(attempt);
                            ProducerTemplate p = ex.getContext().createProducerTemplate();
                            p.sendBodyAndHeader("jms:queue:" + sent, "sent in attempt " + attempt, "attempt", attempt);
                            p.close();
                            if (attempt == 1) {
                                throw new IllegalStateException("fail after the send: the transaction rolls back");
                            }
                        });
            }
        });
        try {
            TestGateway.camel().createProducerTemplate().sendBody("jms:queue:" + in, "in");
            await().atMost(Duration.ofSeconds(30)).until(() -> attempts.size() == 2
                    && server.locateQueue(SimpleString.of(sent)).getMessageCount() == 1);
            Object body = TestGateway.camel().createConsumerTemplate().receiveBody("jms:queue:" + sent, 5000);
            assertThat(body).isEqualTo("sent in attempt 2"); // attempt 1's send went with its rollback
            assertThat(server.locateQueue(SimpleString.of(in)).getMessageCount()).isZero();
        } finally {
            TestGateway.camel().getRouteController().stopRoute(routeId);
            TestGateway.camel().removeRoute(routeId);
        }
    }
}
