package io.mailgateway.broker;

import java.util.Map;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * The {@code accepted:} endpoint, the inbound route's last step: {@code to: "accepted:mail.accepted"}
 * is the one durable write of an accepted message ({@link AcceptedQueue} chooses how to send it).
 * An endpoint of its own, not {@code bean:}: the bean component resolves a Processor bean lazily
 * and, under concurrent first use, can fall back to method selection and fail (seen with eight
 * messages arriving at once); a producer calls the send directly.
 */
public final class AcceptedComponent extends DefaultComponent {

    /**
     * Exchange property set once the broker confirmed the write (journal synced). The listener
     * answers 250 only when it is set: a route edited so that it ends without this step, or stops
     * early without a policy refusal, gets 451 instead of a 250 for mail that was never stored.
     */
    public static final String DURABLE = "MailDurable";

    /** The broker user the sends log in as. */
    private final AdminCredentials credentials;

    /** Set once the broker runs ({@code Gateway}); until then, and in tests without it, no inflow control. */
    private volatile StoreBacklog backlog;

    public AcceptedComponent(AdminCredentials credentials) {
        this.credentials = credentials;
    }

    /** Holds each new message before its write while the stores are behind ({@link StoreBacklog}). */
    public void controlInflow(StoreBacklog backlog) {
        this.backlog = backlog;
    }

    /** The inflow control in use; null if none. */
    public StoreBacklog inflowControl() {
        return backlog;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        if (!EmbeddedBroker.ACCEPTED_ADDRESS.equals(remaining)) {
            throw new IllegalArgumentException("accepted: endpoint sends to " + EmbeddedBroker.ACCEPTED_ADDRESS
                    + " only (the address the broker fans out to the stores), got " + remaining);
        }
        return new AcceptedEndpoint(uri, this, credentials);
    }

    static final class AcceptedEndpoint extends DefaultEndpoint {

        private final AcceptedQueue queue;

        AcceptedEndpoint(String uri, AcceptedComponent component, AdminCredentials credentials) {
            super(uri, component);
            this.queue = new AcceptedQueue(credentials);
        }

        /** The send behind this endpoint (AcceptanceSyncSettingsTest reads its settings). */
        AcceptedQueue queue() {
            return queue;
        }

        @Override
        public Producer createProducer() {
            // Producers come and go with the routes that use the endpoint (a route removed or
            // reloaded stops its producer); the send they share lives as long as the endpoint.
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) throws Exception {
                    StoreBacklog backlog = ((AcceptedComponent) getEndpoint().getComponent()).backlog;
                    if (backlog != null) {
                        backlog.awaitRoom();
                    }
                    queue.process(exchange);
                }
            };
        }

        @Override
        protected void doStop() throws Exception {
            queue.close();
            super.doStop();
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("accepted: is a producer only; routes consume the store queues");
        }

        @Override
        public boolean isSingleton() {
            return true;
        }
    }
}
