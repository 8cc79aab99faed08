package io.mailgateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;

/**
 * A DLQ requeue: what a management move cannot do (drop properties), done as consume + re-send
 * in one core transaction on a transacted session, the body streamed for large messages.
 */
final class FreshCopy {

    /**
     * Properties the broker sets when it schedules, dead-letters or moves a message, and the
     * routing type the message was sent with (anycast into a DLQ): the target decides its own,
     * e.g. multicast for a store's queue mail.accepted::store.NAME, which an anycast message misses.
     */
    private static final Set<String> BROKER_PROPERTIES = Set.of(Message.HDR_ROUTING_TYPE.toString(),
            Message.HDR_SCHEDULED_DELIVERY_TIME.toString(), Message.HDR_ORIGINAL_ADDRESS.toString(),
            Message.HDR_ORIGINAL_QUEUE.toString(), Message.HDR_ORIG_MESSAGE_ID.toString(),
            Message.HDR_ORIG_ROUTING_TYPE.toString(), "_AMQ_ACTUAL_EXPIRY");

    private FreshCopy() {
    }

    /**
     * Moves every message of {@code fromQueue} matching {@code filter} to {@code toAddress} as a
     * fresh message: same body (streamed through a temporary file when it is a large message) and
     * properties, minus {@code dropProperties} and the broker's own bookkeeping, plus
     * {@code setProperties}. One transaction:
     * the re-sends and the acks commit together, so a failure leaves the message where it was.
     * {@code toQueue}, the queue the copies must reach, is checked once more just before the commit:
     * a transacted send to a queue that is missing or disabled succeeds and is routed nowhere, and
     * the originals' acks would then commit with it. (The broker counts a transacted copy only
     * after the commit, so its queue cannot be checked for it before.)
     *
     * @return the properties of the moved messages
     */
    static List<Map<String, Object>> move(ClientSession session, String fromQueue, String filter, String toAddress,
                                          String toQueue, Set<String> dropProperties, Map<String, Object> setProperties, long expected,
                                          long timeoutMs) throws Exception {
        List<Map<String, Object>> moved = new ArrayList<>();
        List<java.io.Closeable> temporary = new ArrayList<>();
        try (ClientConsumer consumer = session.createConsumer(fromQueue, filter);
             ClientProducer producer = session.createProducer(toAddress)) {
            for (long i = 0; i < expected; i++) {
                ClientMessage received = consumer.receive(timeoutMs);
                if (received == null) {
                    break;
                }
                ClientMessage copy = session.createMessage(received.getType(), true);
                Map<String, Object> properties = new TreeMap<>();
                for (SimpleString name : received.getPropertyNames()) {
                    String key = name.toString();
                    if (BROKER_PROPERTIES.contains(key) || dropProperties.contains(key)) {
                        continue;
                    }
                    Object value = received.getObjectProperty(name);
                    copy.putObjectProperty(name, value);
                    properties.put(key, value instanceof SimpleString ? value.toString() : value);
                }
                setProperties.forEach((key, value) -> {
                    copy.putObjectProperty(key, value);
                    properties.put(key, value);
                });
                copy.setUserID(received.getUserID());
                copy.setPriority(received.getPriority());
                copy.setTimestamp(received.getTimestamp());
                copyBody(received, copy, temporary);
                received.acknowledge();
                producer.send(copy);
                moved.add(properties);
            }
            if (!acceptsMessages(session, toQueue)) {
                throw new IllegalStateException(toQueue + " does not exist or is not enabled: nothing moved");
            }
            session.commit();
        } catch (Exception e) {
            session.rollback();
            throw e;
        } finally {
            for (java.io.Closeable c : temporary) {
                c.close();
            }
        }
        return moved;
    }

    /** Whether {@code queue} exists and is enabled (a disabled queue is routed nothing). */
    static boolean acceptsMessages(ClientSession session, String queue) throws ActiveMQException {
        ClientSession.QueueQuery query = session.queueQuery(SimpleString.of(queue));
        return query.isExists() && !Boolean.FALSE.equals(query.isEnabled());
    }

    /** Bounded memory: a large message's body goes through a temporary file, never all in memory. */
    private static void copyBody(ClientMessage from, ClientMessage to, List<java.io.Closeable> temporary)
            throws IOException, ActiveMQException {
        if (from.isLargeMessage()) {
            Path file = Files.createTempFile("mail-gateway-requeue", ".body");
            temporary.add(() -> Files.deleteIfExists(file));
            try (OutputStream out = Files.newOutputStream(file)) {
                from.saveToOutputStream(out);
            }
            InputStream in = Files.newInputStream(file);
            temporary.add(0, in); // closed before the file is deleted
            to.setBodyInputStream(in);
            return;
        }
        org.apache.activemq.artemis.api.core.ActiveMQBuffer body = from.getBodyBuffer();
        byte[] bytes = new byte[body.readableBytes()];
        body.readBytes(bytes);
        to.getBodyBuffer().writeBytes(bytes);
    }

}
