package io.mailgateway.store.batch;

import io.mailgateway.message.MailHeaders;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultMessage;

/**
 * Between the broker's core messages (as the inbound route's JMS send made them) and what a store
 * reads: the properties as the headers camel-jms would give (names decoded the way its default
 * key format encodes them, plus {@code JMSRedelivered}), the body as bytes, or for a large
 * message a spool file, so it is never whole in the heap. And back: the copy sent to a store's
 * dead-letter queue.
 */
final class CoreMessages {

    /** The broker's own bookkeeping (routing type, original queue, schedule, large size): not headers. */
    private static final String BROKER_PREFIX = "_AMQ";
    private static final String JMS_BROKER_PREFIX = "JMS_AMQ";

    /** When this JVM started, by the clock that stamps the messages the gateway sends. */
    private static final long STARTED_AT = ManagementFactory.getRuntimeMXBean().getStartTime();

    private static final Map<SimpleString, String> HEADERS = new ConcurrentHashMap<>();
    /** Names remembered at most: an operator's route that invents a header per message must not grow the map. */
    private static final int MAX_HEADERS = 1_000;
    /** Marks a broker property in {@link #HEADERS} (a property name is never empty). */
    private static final String NOT_A_HEADER = "";

    private CoreMessages() {
    }

    /** The Camel message of {@code m}; a large body is first streamed into a new file in {@code spoolDir}. */
    static org.apache.camel.Message toCamel(Exchange batch, ClientMessage m, Path spoolDir)
            throws IOException, ActiveMQException {
        DefaultMessage message = new DefaultMessage(batch); // the batch's exchange converts its body (getBody(InputStream.class))
        for (SimpleString name : m.getPropertyNames()) {
            String header = headerOf(name);
            if (header != null) {
                Object value = m.getObjectProperty(name);
                message.setHeader(header, value instanceof SimpleString s ? s.toString() : value);
            }
        }
        message.setHeader("JMSRedelivered", mayHaveBeenSeen(m));
        message.setBody(m.isLargeMessage() ? spool(m, spoolDir) : bytesOf(m));
        return message;
    }

    /**
     * Whether a store may have handled {@code m} before, so must look for its copy (JMSRedelivered):
     * a delivery count over 1, or a message sent before this process started. The second because
     * the count is not enough after a crash: Artemis does not persist it before delivery for a
     * paged message (a store backlog over global-max-size), so a message whose file was renamed
     * into new/ just before a kill -9 can come back as a first delivery, and a mail client may
     * have moved that file to cur/ meanwhile. Messages from before a restart are few; for them the
     * Maildir store lists cur/.
     */
    static boolean mayHaveBeenSeen(ClientMessage m) {
        return m.getDeliveryCount() > 1 || m.getTimestamp() < STARTED_AT;
    }

    /**
     * The copy of {@code from} for a dead-letter queue, with {@code reason} as MailDlqReason;
     * {@code body} is what {@link #toCamel} made of it (bytes, or the spool file, streamed again).
     * Anycast, as a JMS queue send is, so the DLQ's anycast queue takes it.
     */
    static ClientMessage deadLetter(ClientSession session, ClientMessage from, Object body, String reason) throws IOException {
        ClientMessage copy = session.createMessage(from.getType(), true);
        for (SimpleString name : from.getPropertyNames()) {
            if (!isBrokers(name.toString())) {
                copy.putObjectProperty(name, from.getObjectProperty(name));
            }
        }
        copy.putStringProperty(MailHeaders.DLQ_REASON, reason);
        copy.setRoutingType(RoutingType.ANYCAST);
        if (body instanceof File file) {
            copy.setBodyInputStream(Files.newInputStream(file.toPath())); // read through while the send streams it
        } else if (from.getType() == Message.TEXT_TYPE) {
            copy.getBodyBuffer().writeNullableSimpleString(SimpleString.of(new String((byte[]) body, StandardCharsets.UTF_8)));
        } else {
            copy.getBodyBuffer().writeBytes((byte[]) body);
        }
        return copy;
    }

    /**
     * The Camel header of a broker property, or null for the broker's own; remembered, since
     * every message carries the same dozen names and each was a new String per message.
     */
    private static String headerOf(SimpleString property) {
        String header = HEADERS.get(property);
        if (header == null) {
            String key = property.toString();
            header = isBrokers(key) ? NOT_A_HEADER : headerName(key);
            if (HEADERS.size() < MAX_HEADERS) {
                HEADERS.put(property, header);
            }
        }
        return header.isEmpty() ? null : header;
    }

    private static boolean isBrokers(String property) {
        return property.startsWith(BROKER_PREFIX) || property.startsWith("_" + BROKER_PREFIX) || property.startsWith(JMS_BROKER_PREFIX);
    }

    /** camel-jms' default key format: '.' and '-' travel as _DOT_ and _HYPHEN_. */
    private static String headerName(String property) {
        return property.replace("_DOT_", ".").replace("_HYPHEN_", "-");
    }

    /** A JMS BytesMessage's body is the raw buffer; a TextMessage's a nullable string (sent as UTF-8 here). */
    private static byte[] bytesOf(ClientMessage m) {
        ActiveMQBuffer buffer = m.getBodyBuffer();
        if (m.getType() == Message.TEXT_TYPE) {
            SimpleString text = buffer.readNullableSimpleString();
            return text == null ? new byte[0] : text.toString().getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.readBytes(bytes);
        return bytes;
    }

    private static File spool(ClientMessage m, Path spoolDir) throws IOException, ActiveMQException {
        Files.createDirectories(spoolDir);
        Path file = Files.createTempFile(spoolDir, "store-batch-", ".eml");
        try (OutputStream out = Files.newOutputStream(file)) {
            m.saveToOutputStream(out);
        } catch (IOException | ActiveMQException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file.toFile();
    }
}
