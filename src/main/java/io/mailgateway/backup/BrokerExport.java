package io.mailgateway.backup;

import io.mailgateway.broker.AdminCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.camel.util.json.JsonObject;

/**
 * The running broker's messages, read without taking any: a live journal cannot be copied
 * consistently (Artemis appends and compacts it all the time, and its own {@code data exp} tool
 * wants the broker stopped), so each queue is browsed over the core protocol instead (a browser
 * neither acknowledges nor locks). Per queue, {@code broker-queues/QUEUE/}: each message's body
 * (streamed, large ones too) as {@code N.msg} and one JSON line per message in
 * {@code messages.jsonl} (message ID, time, properties such as MailQueueId and the envelope); the
 * messages waiting for a scheduled retry, which a browser does not see, are listed (properties,
 * no body) in {@code scheduled.json}. Messages a consumer holds at that moment (being stored or
 * delivered, and the rest of its prefetch window: hundreds under load, a stuck store's oldest
 * mail) are in neither; the summary says about how many. An export, not a complete copy.
 */
final class BrokerExport implements BackupPart {

    static final String DIR_NAME = "broker-queues";
    private static final long TIMEOUT_MS = 30_000;
    private final String url;
    private final AdminCredentials credentials;

    /** @param url the broker's core URL: vm://0 inside the gateway, tcp://127.0.0.1:BROKER_PORT from the CLI */
    BrokerExport(String url, AdminCredentials credentials) {
        this.url = url;
        this.credentials = credentials;
    }

    @Override
    public String writeInto(Path dir) throws Exception {
        int queues = 0;
        long messages = 0;
        long scheduled = 0;
        long held = 0;
        try (ServerLocator locator = ActiveMQClient.createServerLocator(url);
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(credentials.user(), credentials.password(), false, true, true, false,
                     ActiveMQClient.DEFAULT_ACK_BATCH_SIZE)) {
            session.start();
            try (ClientRequestor management = new ClientRequestor(session, "activemq.management")) {
                for (Object name : (Object[]) invoke(session, management, ResourceNames.BROKER, "getQueueNames")) {
                    SimpleString queue = SimpleString.of(String.valueOf(name));
                    ClientSession.QueueQuery query = session.queueQuery(queue);
                    if (!query.isExists() || query.isTemporary()) {
                        // a management reply queue: this export's own, or a concurrent one's (the
                        // gateway's scheduled backup), which may be gone already since the listing
                        continue;
                    }
                    Path queueDir = dir.resolve(DIR_NAME).resolve(queue.toString().replaceAll("[^A-Za-z0-9._-]", "_"));
                    Files.createDirectories(queueDir);
                    long browsed = browse(session, queue, queueDir);
                    messages += browsed;
                    String waiting = String.valueOf(invoke(session, management, ResourceNames.QUEUE + queue, "listScheduledMessagesAsJSON"));
                    long listed = 0;
                    if (!waiting.equals("[]")) {
                        Files.writeString(queueDir.resolve("scheduled.json"), waiting);
                        listed = org.apache.camel.util.json.Jsoner.deserialize(waiting, new org.apache.camel.util.json.JsonArray()).size();
                        scheduled += listed;
                    }
                    // A browser sees neither what consumers hold (up to their window each: hundreds
                    // under load, all of a stuck store's oldest mail) nor scheduled bodies: say how many.
                    held += Math.max(0, session.queueQuery(queue).getMessageCount() - browsed - listed);
                    queues++;
                }
            }
        }
        return "broker: gateway running, " + messages + " message(s) in " + queues + " queue(s) exported by browsing, "
                + scheduled + " scheduled retry(ies) listed without their body"
                + (held > 0 ? ", about " + held + " held by consumers at that moment NOT exported" : "")
                + " (the journal itself stays in place; a complete copy: backup now with the gateway stopped)";
    }

    private static long browse(ClientSession session, SimpleString queue, Path queueDir) throws Exception {
        long n = 0;
        try (ClientConsumer browser = session.createConsumer(queue, null, true);
             Writer index = Files.newBufferedWriter(queueDir.resolve("messages.jsonl"), StandardCharsets.UTF_8)) {
            for (ClientMessage m = browser.receiveImmediate(); m != null; m = browser.receiveImmediate()) {
                n++;
                String file = n + ".msg";
                try (OutputStream out = Files.newOutputStream(queueDir.resolve(file))) {
                    m.saveToOutputStream(out);
                }
                index.write(describe(m, file).toJson());
                index.write('\n');
            }
        }
        return n;
    }

    private static JsonObject describe(ClientMessage m, String file) {
        JsonObject properties = new JsonObject();
        for (SimpleString key : m.getPropertyNames()) {
            Object v = m.getObjectProperty(key);
            properties.put(key.toString(), v instanceof byte[] b ? Base64.getEncoder().encodeToString(b) : String.valueOf(v));
        }
        JsonObject line = new JsonObject();
        line.put("file", file);
        line.put("messageID", m.getMessageID());
        line.put("timestamp", m.getTimestamp());
        line.put("durable", m.isDurable());
        line.put("largeMessage", m.isLargeMessage());
        line.put("properties", properties);
        return line;
    }

    private static Object invoke(ClientSession session, ClientRequestor management, String resource, String operation) throws Exception {
        ClientMessage request = session.createMessage(false);
        ManagementHelper.putOperationInvocation(request, resource, operation);
        ClientMessage reply = management.request(request, TIMEOUT_MS);
        if (reply == null) {
            throw new IOException("no answer from the broker's management within " + TIMEOUT_MS + " ms");
        }
        Object result = ManagementHelper.getResult(reply);
        if (!ManagementHelper.hasOperationSucceeded(reply)) {
            throw new IOException(resource + " " + operation + " failed: " + result);
        }
        return result;
    }
}
