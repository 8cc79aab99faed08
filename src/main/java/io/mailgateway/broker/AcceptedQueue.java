package io.mailgateway.broker;

import io.mailgateway.message.MailHeaders;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.utils.UUIDGenerator;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of the inbound route ({@code to: accepted:mail.accepted}): ONE persistent send of
 * the exchange to the multicast address mail.accepted, which the broker fans out to every
 * enabled store's queue (and, through its divert, to "delivery") atomically, confirmed only after
 * its journal sync. How the send is made is decided here, per message, so the operator's route
 * file needs no choice over broker options:
 * <ul>
 *   <li>a message with relayed recipients ({@link MailHeaders#RELAYED}) goes in a transaction:
 *       the divert's copy to "delivery" joins it, so the stores and delivery get the message
 *       together or not at all; the commit returns after the journal sync;</li>
 *   <li>any other message is one non-transacted durable send, which returns only after the
 *       broker's journal sync (blockOnDurableSend);</li>
 *   <li>a message over {@value EmbeddedBroker#STREAM_ABOVE} octets is streamed from its spool
 *       file into a broker large-message file, never whole in the heap.</li>
 * </ul>
 *
 * <p>It sends with the Artemis core client on the in-VM acceptor, not through camel-jms: a profile
 * at 100 sessions found camel-jms, Spring's JmsTemplate and the JMS layer doing a broker round
 * trip per send to look the topic up again, converting every header through JMS, and calling the
 * session through reflection, about half of the route thread's CPU. The message it writes is the
 * one camel-jms wrote, so every reader is unchanged: a JMS BytesMessage (multicast, durable, with
 * a message ID and timestamp) whose properties are the exchange's headers under camel-jms' rules
 * (names with '.' and '-' as _DOT_ and _HYPHEN_; Camel's and JMS' own headers left out; only
 * values a JMS property can hold). {@code AcceptedQueueTest} holds the two side by side.
 *
 * <p>Each concurrent send borrows a session of its own from a pool (route threads, so
 * BROKER_WRITE_CONCURRENCY of them at most, plus fetch routes); a session whose send failed is
 * closed, not reused. A failed send leaves the exception on the exchange: the route fails, the
 * client gets 451.
 */
final class AcceptedQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptedQueue.class);

    /** A producer on its own session, used by one send at a time. */
    private record Sender(ClientSession session, ClientProducer producer) {
    }

    /** Property names as the broker keeps them, made once: routes set the same few headers on every message. */
    private static final Map<String, SimpleString> NAMES = new ConcurrentHashMap<>();
    /** Names kept at most: a route that invents header names per message must not grow the map. */
    private static final int MAX_NAMES = 1_000;

    private final SimpleString address;
    private final AdminCredentials credentials;
    private final Queue<Sender> plain = new ConcurrentLinkedQueue<>();
    private final Queue<Sender> transacted = new ConcurrentLinkedQueue<>();
    private ServerLocator locator;
    private ClientSessionFactory sessions;

    AcceptedQueue(AdminCredentials credentials) {
        this(EmbeddedBroker.ACCEPTED_ADDRESS, credentials);
    }

    /** For tests: the same send to another address. */
    AcceptedQueue(String address, AdminCredentials credentials) {
        this.address = SimpleString.of(address);
        this.credentials = credentials;
    }

    void process(Exchange exchange) throws Exception {
        boolean relayed = isRelayed(exchange);
        Queue<Sender> pool = relayed ? transacted : plain;
        Sender sender = pool.poll();
        if (sender == null) {
            sender = open(relayed);
        }
        try (InputStream large = isLarge(exchange) ? exchange.getIn().getMandatoryBody(InputStream.class) : null) {
            ClientMessage message = messageOf(sender.session(), exchange, large);
            sender.producer().send(message); // durable, non-transacted: returns after the journal sync
            if (relayed) {
                sender.session().commit(); // returns after the journal sync of the transaction
            }
        } catch (Exception | Error e) {
            discard(sender);
            throw e;
        }
        pool.add(sender);
        exchange.setProperty(AcceptedComponent.DURABLE, Boolean.TRUE);
    }

    /** The settings every send rests on, for AcceptanceSyncSettingsTest. */
    synchronized ServerLocator locator() throws Exception {
        if (locator == null) {
            locator = ActiveMQClient.createServerLocator(EmbeddedBroker.IN_VM_URL);
            // Artemis' default, stated: each durable non-transacted send returns only after the
            // broker's journal sync, which is what the 250 after DATA promises.
            locator.setBlockOnDurableSend(true);
            // The threshold over which a body is streamed as a broker large message (the default, stated).
            locator.setMinLargeMessageSize((int) EmbeddedBroker.STREAM_ABOVE);
        }
        return locator;
    }

    private synchronized Sender open(boolean transacted) throws Exception {
        if (sessions == null || sessions.isClosed()) {
            sessions = locator().createSessionFactory();
        }
        ClientSession session = sessions.createSession(credentials.user(), credentials.password(),
                false, !transacted, true, false, ActiveMQClient.DEFAULT_ACK_BATCH_SIZE);
        try {
            return new Sender(session, session.createProducer(address));
        } catch (ActiveMQException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static void discard(Sender sender) {
        try {
            sender.session().close();
        } catch (ActiveMQException | RuntimeException e) {
            LOG.debug("closing a failed accepted: session: {}", e.toString());
        }
    }

    /**
     * The JMS BytesMessage camel-jms would have written for this exchange; its body read from
     * {@code large} (streamed while the send runs) if not null, else the whole body.
     */
    static ClientMessage messageOf(ClientSession session, Exchange exchange, InputStream large) throws Exception {
        ClientMessage message = session.createMessage(Message.BYTES_TYPE, true);
        message.setRoutingType(RoutingType.MULTICAST); // a JMS topic: every queue bound to the address
        message.setUserID(UUIDGenerator.getInstance().generateUUID()); // JMSMessageID
        message.setTimestamp(System.currentTimeMillis()); // JMSTimestamp
        for (Map.Entry<String, Object> header : exchange.getIn().getHeaders().entrySet()) {
            Object value = propertyValue(header.getValue());
            if (value != null && isCarried(header.getKey())) {
                message.putObjectProperty(simpleName(header.getKey()), value);
            }
        }
        if (large != null) {
            message.setBodyInputStream(large); // read through, in chunks, while the send streams it
        } else {
            message.getBodyBuffer().writeBytes(exchange.getIn().getMandatoryBody(byte[].class));
        }
        return message;
    }

    private static boolean isRelayed(Exchange exchange) {
        return exchange.getIn().getHeader(MailHeaders.RELAYED) != null;
    }

    private static boolean isLarge(Exchange exchange) {
        Long size = exchange.getIn().getHeader(MailHeaders.SIZE, Long.class);
        return size != null && size > EmbeddedBroker.STREAM_ABOVE;
    }

    /** camel-jms' header filter: Camel's own headers stay in Camel, JMS' are message fields, not properties. */
    private static boolean isCarried(String header) {
        return !(header.startsWith("Camel") || header.startsWith("camel") || header.startsWith("org.apache.camel")
                || header.startsWith("JMS"));
    }

    private static SimpleString simpleName(String header) {
        SimpleString name = NAMES.get(header);
        if (name == null) {
            name = SimpleString.of(propertyName(header));
            if (NAMES.size() < MAX_NAMES) {
                NAMES.put(header, name);
            }
        }
        return name;
    }

    /** camel-jms' default key format: '.' and '-' are not allowed in a JMS property name. */
    static String propertyName(String header) {
        return header.indexOf('.') < 0 && header.indexOf('-') < 0 ? header
                : header.replace(".", "_DOT_").replace("-", "_HYPHEN_");
    }

    /** What camel-jms sends for a header value: JMS property types as they are, a few as text, nothing else. */
    static Object propertyValue(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Long || value instanceof Integer
                || value instanceof Short || value instanceof Byte || value instanceof Double || value instanceof Float) {
            return value;
        }
        if (value instanceof CharSequence || value instanceof BigInteger || value instanceof BigDecimal
                || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        return null; // not a JMS property type (camel-jms drops these too)
    }

    @Override
    public synchronized void close() {
        for (Queue<Sender> pool : List.of(plain, transacted)) {
            for (Sender sender = pool.poll(); sender != null; sender = pool.poll()) {
                discard(sender);
            }
        }
        if (sessions != null) {
            sessions.close();
            sessions = null;
        }
        if (locator != null) {
            locator.close();
            locator = null;
        }
    }
}
