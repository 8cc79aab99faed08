package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The accepted: step sends with the Artemis core client; every reader of the store queues and of
 * "delivery" was written against what camel-jms sent before. Here the same exchange goes out both
 * ways, to an address of the test's own on the gateway's broker, and the two messages must be the
 * same to a reader: type, durability, properties (names and values), body.
 */
@ExtendWith(TestGateway.class)
class AcceptedQueueTest {

    private static final String ADDRESS = "accepted.compare";
    /** What camel-jms sent before: AcceptedQueue's old endpoint URI, to the test's address. */
    private static final String CAMEL_JMS = "jms:topic:" + ADDRESS + "?deliveryPersistent=true&jmsMessageType=Bytes";

    private ServerLocator locator;
    private ClientSessionFactory factory;
    private ClientSession session;
    private ClientConsumer consumer;
    private AcceptedQueue queue;

    @BeforeEach
    void bindQueue() throws Exception {
        locator = ActiveMQClient.createServerLocator(EmbeddedBroker.IN_VM_URL);
        factory = locator.createSessionFactory();
        session = factory.createSession(TestGateway.brokerCredentials().user(), TestGateway.brokerCredentials().password(),
                false, true, true, false, 0);
        String name = "compare." + System.nanoTime();
        session.createQueue(QueueConfiguration.of(name).setAddress(ADDRESS).setRoutingType(RoutingType.MULTICAST)
                .setDurable(false).setTemporary(true));
        consumer = session.createConsumer(name);
        session.start();
        queue = new AcceptedQueue(ADDRESS, TestGateway.brokerCredentials());
    }

    @AfterEach
    void close() throws Exception {
        queue.close();
        session.close();
        factory.close();
        locator.close();
    }

    @Test
    void should_write_the_message_camel_jms_wrote() throws Exception {
        assertSameToReaders(exchangeOf(1024, false));
    }

    @Test
    void should_write_a_large_message_as_camel_jms_streamed_it() throws Exception {
        ClientMessage[] pair = assertSameToReaders(exchangeOf((int) EmbeddedBroker.STREAM_ABOVE * 3, false));

        assertThat(pair[1].isLargeMessage()).as("sent as a broker large message").isTrue();
    }

    @Test
    void should_write_a_message_up_to_the_threshold_as_one_journal_record() throws Exception {
        // The whole record (body and envelope properties) must fit the journal's largest record,
        // or the broker turns the message into a large message itself: this fails if STREAM_ABOVE
        // is ever raised past that (checked with 1 MiB). A body within a few octets of the
        // threshold is chunked by the client itself: its check counts the buffer's header space.
        ClientMessage[] pair = assertSameToReaders(exchangeOf((int) EmbeddedBroker.STREAM_ABOVE - 1024, false));

        assertThat(pair[1].isLargeMessage()).as("one journal record, not a large message").isFalse();
    }

    @Test
    void should_send_relayed_mail_in_a_transaction_that_is_committed() throws Exception {
        assertSameToReaders(exchangeOf(1024, true));
        assertSameToReaders(exchangeOf((int) EmbeddedBroker.STREAM_ABOVE * 2, true));
    }

    @Test
    void should_fail_the_exchange_and_keep_sending_after_a_failed_send() throws Exception {
        Exchange broken = exchangeOf(10, false);
        broken.getIn().setBody(null);

        assertThatThrownBy(() -> queue.process(broken)).hasMessageContaining("No body available");
        assertThat(broken.getProperty(AcceptedComponent.DURABLE)).as("not marked durable").isNull();
        assertThat(consumer.receiveImmediate()).as("nothing sent").isNull();

        Exchange next = exchangeOf(10, false);
        queue.process(next);
        assertThat(next.getProperty(AcceptedComponent.DURABLE)).isEqualTo(Boolean.TRUE);
        assertThat(consumer.receive(5_000)).as("the next send goes out").isNotNull();
    }

    /** Sends copies of {@code exchange} with camel-jms and with AcceptedQueue; returns the two received. */
    private ClientMessage[] assertSameToReaders(Exchange exchange) throws Exception {
        ProducerTemplate template = TestGateway.camel().createProducerTemplate();
        try {
            assertThat(template.send(CAMEL_JMS, exchange.copy()).getException()).isNull();
        } finally {
            template.close();
        }
        Received viaJms = receive();
        ClientMessage before = viaJms.message();

        Exchange copy = exchange.copy();
        queue.process(copy);
        assertThat(copy.getProperty(AcceptedComponent.DURABLE)).as("marked durable").isEqualTo(Boolean.TRUE);
        Received viaCore = receive();
        ClientMessage after = viaCore.message();

        assertThat(after.getType()).as("type").isEqualTo(before.getType());
        assertThat(after.isDurable()).as("durable").isTrue().isEqualTo(before.isDurable());
        assertThat(after.getUserID()).as("JMSMessageID").isNotNull();
        assertThat(after.getTimestamp()).as("JMSTimestamp").isPositive();
        assertThat(readable(after)).as("properties").isEqualTo(readable(before));
        byte[] sent = exchange.getIn().getBody(byte[].class);
        byte[] viaJmsBody = viaJms.body();
        byte[] viaCoreBody = viaCore.body();
        // compared as lengths and digests: a failed comparison of two large arrays prints them whole
        assertThat(viaJmsBody.length).as("camel-jms body length").isEqualTo(sent.length);
        assertThat(viaCoreBody.length).as("body length").isEqualTo(sent.length);
        assertThat(Arrays.equals(viaCoreBody, sent)).as("body as sent").isTrue();
        return new ClientMessage[] {before, after};
    }

    /** A message received, with its body read at once (a large one's chunks arrive only until the next receive). */
    private record Received(ClientMessage message, byte[] body) {
    }

    private Received receive() throws Exception {
        ClientMessage m = consumer.receive(10_000);
        assertThat(m).as("message received").isNotNull();
        byte[] body = bodyOf(m);
        m.acknowledge();
        return new Received(m, body);
    }

    /** Headers the stores and delivery see, of every kind of value a route may set. */
    private static Exchange exchangeOf(int size, boolean relayed) {
        Exchange exchange = new DefaultExchange(TestGateway.camel());
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'a');
        exchange.getIn().setBody(body);
        exchange.getIn().setHeader(MailHeaders.QUEUE_ID, "4ZkQ0abc");
        exchange.getIn().setHeader(MailHeaders.ENVELOPE, "{\"from\":\"a@example.org\",\"rcpt\":[\"b@example.com\"]}");
        exchange.getIn().setHeader(MailHeaders.SIZE, (long) size);
        exchange.getIn().setHeader(MailHeaders.RECEIVED_AT, 1_764_000_000_000L);
        exchange.getIn().setHeader(MailHeaders.PROTOCOL, "ESMTPS");
        exchange.getIn().setHeader(MailHeaders.QUARANTINE, Boolean.TRUE);
        exchange.getIn().setHeader(MailHeaders.SPAM_SCORE, 4.5d);
        exchange.getIn().setHeader("MailCount", 3);
        exchange.getIn().setHeader("MailRatio", new BigDecimal("0.25"));
        exchange.getIn().setHeader("X-Operator.tag", new StringBuilder("from a route")); // '-' and '.', a CharSequence
        exchange.getIn().setHeader("MailNotAProperty", new Object()); // dropped: no JMS property type
        exchange.getIn().setHeader("CamelFileName", "x.eml"); // Camel's own: dropped
        exchange.getIn().setHeader("MailNothing", null);
        if (relayed) {
            exchange.getIn().setHeader(MailHeaders.RELAYED, "r@" + TestGateway.RELAY_DOMAIN);
        }
        return exchange;
    }

    /** Properties as a reader sees them, without the broker's and the JMS client's own bookkeeping. */
    private static Map<String, Object> readable(ClientMessage m) {
        Map<String, Object> properties = new TreeMap<>();
        for (SimpleString name : m.getPropertyNames()) {
            String key = name.toString();
            if (!key.startsWith("_AMQ") && !key.startsWith("__AMQ") && !key.startsWith("JMS_AMQ")) {
                Object value = m.getObjectProperty(name);
                properties.put(key, value instanceof SimpleString s ? s.toString() : value);
            }
        }
        return properties;
    }

    private static byte[] bodyOf(ClientMessage m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.saveToOutputStream(out);
        return out.toByteArray();
    }
}
