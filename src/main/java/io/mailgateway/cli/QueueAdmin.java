package io.mailgateway.cli;

import io.mailgateway.broker.AdminCredentials;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;

/**
 * A core-protocol connection to the running gateway's broker (its administrative acceptor on
 * 127.0.0.1:BROKER_PORT), logged in with the gateway's {@link AdminCredentials}, or to another
 * cluster member's broker ({@link #connectMember}), for the queue commands: reads and changes go through the broker's management API ({@code QueueControl}
 * operations sent to {@code activemq.management}), except a DLQ requeue, which must change
 * properties and so consumes and re-sends in one transaction.
 *
 * <p>Lifecycle: {@link #connect} (throws {@link Unreachable} when no broker answers, {@link Refused}
 * when it refuses the login), use, {@link #close}.
 */
final class QueueAdmin implements AutoCloseable {

    /** Thrown when nothing answers on the administrative port. */
    static final class Unreachable extends Exception {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final long TIMEOUT_MS = 30_000;
    private final ServerLocator locator;
    private final ClientSessionFactory factory;
    private final ClientSession management;
    private final ClientRequestor requestor;
    /** Transacted (no auto-commit of sends or acks): a requeue commits once, at the end. */
    private final ClientSession session;

    private QueueAdmin(ServerLocator locator, ClientSessionFactory factory, ClientSession management, ClientRequestor requestor,
                       ClientSession session) {
        this.locator = locator;
        this.factory = factory;
        this.management = management;
        this.requestor = requestor;
        this.session = session;
    }

    /** Thrown when the broker refuses the credentials. */
    static final class Refused extends Exception {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static QueueAdmin connect(String host, int port, AdminCredentials credentials) throws Unreachable, Refused, Exception {
        return open(host, port, credentials, "",
                "cannot reach the gateway's broker at " + host + ":" + port
                        + " (BROKER_PORT): is the gateway running, with the same BROKER_PORT?",
                "the gateway's broker at " + host + ":" + port + " refused the credentials in"
                        + " DATA_DIR/broker/admin.credentials: is this the gateway's DATA_DIR? (the gateway reads the file"
                        + " when it starts: after replacing it, restart the gateway)");
    }

    /**
     * Another cluster member's broker, on its cluster acceptor (CLUSTER_HOST:CLUSTER_PORT), logged in
     * as CLUSTER_USER: each node's admin credentials stay in its own DATA_DIR, and Artemis lets its
     * cluster user do everything on every address (the bridges need that), management included.
     * A member that does not answer within a few seconds is unreachable, not waited for.
     */
    static QueueAdmin connectMember(String host, int port, String clusterUser, String clusterPassword)
            throws Unreachable, Refused, Exception {
        return open(host, port, new AdminCredentials(clusterUser, clusterPassword), "&connectTimeoutMillis=" + MEMBER_CONNECT_MS,
                "nothing answers at " + host + ":" + port,
                "it refused CLUSTER_USER's login: is CLUSTER_PASSWORD the one of the cluster?");
    }

    private static final long MEMBER_CONNECT_MS = 5_000;

    private static QueueAdmin open(String host, int port, AdminCredentials credentials, String options, String unreachable,
                                   String refused) throws Unreachable, Refused, Exception {
        // One attempt, no reconnects: an absent gateway is an answer, not something to wait for.
        ServerLocator locator = ActiveMQClient.createServerLocator("tcp://" + host + ":" + port
                + "?initialConnectAttempts=1&reconnectAttempts=0&connectionTTL=60000&callTimeout=" + TIMEOUT_MS + options);
        ClientSessionFactory factory;
        try {
            factory = locator.createSessionFactory();
        } catch (ActiveMQNotConnectedException e) {
            locator.close();
            throw new Unreachable(unreachable, e);
        } catch (Exception e) {
            locator.close();
            throw e;
        }
        try {
            ClientSession management = login(factory, credentials, true);
            management.start();
            ClientRequestor requestor = new ClientRequestor(management, "activemq.management");
            ClientSession session = login(factory, credentials, false);
            session.start();
            return new QueueAdmin(locator, factory, management, requestor, session);
        } catch (ActiveMQSecurityException e) {
            factory.close();
            locator.close();
            throw new Refused(refused, e);
        } catch (Exception e) {
            factory.close();
            locator.close();
            throw e;
        }
    }

    /** A session logged in as the broker's user; {@code autoCommit} for both sends and acks, or a transacted one. */
    private static ClientSession login(ClientSessionFactory factory, AdminCredentials c, boolean autoCommit)
            throws ActiveMQException {
        return factory.createSession(c.user(), c.password(), false, autoCommit, autoCommit, false,
                ActiveMQClient.DEFAULT_ACK_BATCH_SIZE);
    }

    /** Invokes a QueueControl operation on {@code queue}; returns its result. */
    Object invoke(String queue, String operation, Object... args) throws Exception {
        return invokeOn(ResourceNames.QUEUE + queue, queue, operation, args);
    }

    /** An ActiveMQServerControl operation without arguments, e.g. listNetworkTopology. */
    Object invokeBroker(String operation) throws Exception {
        return invokeOn(ResourceNames.BROKER, "broker", operation);
    }

    /** An ActiveMQServerControl attribute, e.g. name or nodeID. */
    Object brokerAttribute(String attribute) throws Exception {
        ClientMessage request = management.createMessage(false);
        ManagementHelper.putAttribute(request, ResourceNames.BROKER, attribute);
        return result(request, "broker " + attribute);
    }

    /** The names of the broker's queues (ActiveMQServerControl getQueueNames). */
    List<String> queueNames() throws Exception {
        Object result = invokeBroker("getQueueNames");
        List<String> names = new ArrayList<>();
        if (result instanceof Object[] array) {
            for (Object name : array) {
                names.add(String.valueOf(name));
            }
        }
        return names;
    }

    private Object invokeOn(String resource, String what, String operation, Object... args) throws Exception {
        ClientMessage request = management.createMessage(false);
        ManagementHelper.putOperationInvocation(request, resource, operation, args);
        return result(request, what + " " + operation);
    }

    private Object result(ClientMessage request, String what) throws Exception {
        ClientMessage reply = requestor.request(request, TIMEOUT_MS);
        if (reply == null) {
            throw new IOException("no answer from the broker's management within " + TIMEOUT_MS + " ms");
        }
        Object result = ManagementHelper.getResult(reply);
        if (!ManagementHelper.hasOperationSucceeded(reply)) {
            throw new IOException(what + " failed: " + result);
        }
        return result;
    }

    /**
     * The messages of a queue with MailQueueId {@code queueId} (null for all): those ready or in
     * delivery, then the scheduled ones (a retry waiting for its time), each as its properties
     * plus the broker's {@code messageID}, {@code timestamp}... and our {@code scheduled} flag.
     */
    List<Map<String, Object>> list(String queue, String queueId) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        addAll(out, (String) invoke(queue, "listMessagesAsJSON", queueId == null ? "" : filter(queueId)), false, null);
        // listScheduledMessages takes no filter: match here.
        addAll(out, (String) invoke(queue, "listScheduledMessagesAsJSON"), true, queueId);
        return out;
    }

    /** The broker filter selecting one queue ID; IDs are checked to be [A-Za-z0-9._-] before. */
    static String filter(String queueId) {
        return io.mailgateway.message.MailHeaders.QUEUE_ID + " = '" + queueId.replace("'", "''") + "'";
    }

    private static void addAll(List<Map<String, Object>> out, String json, boolean scheduled, String queueId) {
        JsonArray array = JsonLoader.readArray(new StringReader(json));
        for (JsonValue value : array) {
            Map<String, Object> message = new TreeMap<>();
            JsonObject object = value.asJsonObject();
            for (String key : object.keySet()) {
                message.put(key, plain(object.get(key)));
            }
            message.put("scheduled", scheduled);
            if (queueId == null || queueId.equals(message.get(io.mailgateway.message.MailHeaders.QUEUE_ID))) {
                out.add(message);
            }
        }
    }

    private static Object plain(JsonValue v) {
        switch (v.getValueType()) {
            case STRING:
                return ((org.apache.activemq.artemis.json.JsonString) v).getString();
            case NUMBER:
                org.apache.activemq.artemis.json.JsonNumber n = (org.apache.activemq.artemis.json.JsonNumber) v;
                return n.isIntegral() ? (Object) n.longValue() : (Object) n.doubleValue();
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            case NULL:
                return null;
            default:
                return v.toString();
        }
    }

    /** Messages in {@code queue} (ready + scheduled), for the summary line. */
    long count(String queue) throws Exception {
        return ((Number) invoke(queue, "countMessages")).longValue();
    }

    /**
     * The start of a message's body as the broker's management shows it (at most the address
     * setting management-message-attribute-size-limit octets); null when the broker gives none.
     */
    byte[] bodyPreview(String queue, String filter) throws Exception {
        Object result = invoke(queue, "browse", filter);
        // The management reply carries the CompositeData[] under its type name.
        if (result instanceof Map<?, ?> wrapped) {
            result = wrapped.get(javax.management.openmbean.CompositeData.class.getName());
        }
        if (!(result instanceof javax.management.openmbean.CompositeData[] rows) || rows.length == 0) {
            return null;
        }
        javax.management.openmbean.CompositeData row = rows[0];
        if (row.containsKey("BodyPreview") && row.get("BodyPreview") instanceof byte[] bytes) {
            return bytes;
        }
        if (row.containsKey("text") && row.get("text") instanceof String text) {
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return null;
    }

    /** See {@link FreshCopy#move}: on this admin connection's transacted session. */
    List<Map<String, Object>> moveFresh(String fromQueue, String filter, String toAddress, String toQueue,
                                        Set<String> dropProperties, Map<String, Object> setProperties, long expected)
            throws Exception {
        return FreshCopy.move(session, fromQueue, filter, toAddress, toQueue, dropProperties, setProperties, expected,
                TIMEOUT_MS);
    }

    /** Whether {@code queue} exists and is enabled: the broker routes nothing to a disabled queue. */
    boolean acceptsMessages(String queue) throws ActiveMQException {
        return FreshCopy.acceptsMessages(session, queue);
    }

    @Override
    public void close() {
        try {
            requestor.close();
        } catch (Exception ignored) {
            // closing anyway
        }
        for (ClientSession s : List.of(session, management)) {
            try {
                s.close();
            } catch (ActiveMQException ignored) {
                // closing anyway
            }
        }
        factory.close();
        locator.close();
    }
}
