package io.mailgateway.broker;

import io.mailgateway.config.Capability;
import io.mailgateway.config.ConfigException;
import io.mailgateway.config.Wiring;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The routes' access to the embedded broker: "jmsConnections" (one cached connection factory on
 * the in-VM acceptor, which every JMS component of the gateway shares, so a send made while
 * consuming joins the consumer's transacted session), the "jms" component on it, and
 * the "accepted" component, the inbound route's one durable write ({@code to: accepted:mail.accepted});
 * also "brokerCredentials", the broker's one user ({@link AdminCredentials}), which those
 * connections log in with.
 */
public final class BrokerBeans implements Capability {

    @Override
    public void bind(Wiring wiring) {
        // Made (first start) or read here, before the broker starts: the broker's security manager
        // and this factory must hold the same password.
        AdminCredentials credentials;
        try {
            credentials = AdminCredentials.loadOrCreate(wiring.config().dataDir());
        } catch (java.io.IOException e) {
            throw new ConfigException("DATA_DIR", e.getMessage());
        }
        wiring.bind("brokerCredentials", credentials);
        // Artemis checks in-VM logins too: the gateway's own connections use the one user.
        ActiveMQConnectionFactory broker = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL,
                credentials.user(), credentials.password());
        // Artemis' default, stated: each persistent send (delivery's retries, DSNs, dead letters)
        // returns only after the broker's journal sync.
        broker.setBlockOnDurableSend(true);
        // Spring's template resolves the destination name on every send; without this cache each
        // lookup is a round trip to the broker (an address query).
        broker.setCacheDestinations(true);
        // Sessions for the JMS consumers and their sends (delivery); the inbound route's accepted:
        // step sends on core sessions of its own (AcceptedQueue).
        CachingConnectionFactory cached = new CachingConnectionFactory(broker);
        cached.setSessionCacheSize(wiring.config().getInt("BROKER_WRITE_CONCURRENCY"));
        cached.setCacheConsumers(false);
        wiring.bind("jmsConnections", cached);
        wiring.bind("jms", JmsComponent.jmsComponent(cached));
        wiring.bind("accepted", new AcceptedComponent(credentials));
    }
}
