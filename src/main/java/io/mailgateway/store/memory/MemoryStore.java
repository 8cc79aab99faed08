package io.mailgateway.store.memory;

import io.mailgateway.message.MailHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import io.mailgateway.store.PermanentStoreFailure;
import io.mailgateway.store.StoreStep;

/**
 * The memory store: the last {@code maxMessages} messages by queue ID, the oldest dropped first.
 * NOT durable: everything here is lost when the process stops. (The broker queue store.memory in
 * front of it is durable, so acceptance is not affected; only this copy is.) A body that cannot be
 * read goes to store.memory.dlq ({@link StoreStep}).
 */
public class MemoryStore extends StoreStep {

    private final int maxMessages;
    private final Map<String, byte[]> messages;

    public MemoryStore(int maxMessages) {
        super("memory");
        this.maxMessages = maxMessages;
        this.messages = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > MemoryStore.this.maxMessages;
            }
        };
    }

    @Override
    protected void store(Exchange exchange) throws IOException, PermanentStoreFailure {
        String queueId = exchange.getIn().getHeader(MailHeaders.QUEUE_ID, String.class);
        try (InputStream body = exchange.getIn().getMandatoryBody(InputStream.class)) {
            put(queueId, body.readAllBytes());
        } catch (InvalidPayloadException e) {
            throw new PermanentStoreFailure("message body is not readable: " + e.getMessage(), e);
        }
    }

    public synchronized void put(String queueId, byte[] message) {
        messages.put(queueId, message);
    }

    /** The message as received (with the gateway's Received header), or null if not (or no longer) here. */
    public synchronized byte[] get(String queueId) {
        return messages.get(queueId);
    }

    public synchronized int size() {
        return messages.size();
    }

    public int maxMessages() {
        return maxMessages;
    }
}
