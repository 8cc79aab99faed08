package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.testing.TestGateway;
import jakarta.jms.ConnectionFactory;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The 250 after DATA rests on two settings, read here from the running parts rather than from
 * a copy of their values: the embedded broker syncs its journal before it confirms a send
 * (journal-sync-transactional and -non-transactional), and the client behind the inbound
 * route's {@code accepted:} step waits for that confirmation on every durable send
 * (blockOnDurableSend). If either were off, a 250 could precede the write it promises.
 */
@ExtendWith(TestGateway.class)
class AcceptanceSyncSettingsTest {

    @Test
    void should_run_the_broker_with_a_journal_synced_before_each_confirmation() {
        Configuration running = TestGateway.gateway().broker().server().getConfiguration();

        assertThat(running.isJournalSyncTransactional()).as("journal-sync-transactional").isTrue();
        assertThat(running.isJournalSyncNonTransactional()).as("journal-sync-non-transactional").isTrue();
        assertThat(running.isPersistenceEnabled()).as("persistence-enabled").isTrue();
    }

    @Test
    void should_package_a_broker_xml_that_syncs_the_journal_too() throws Exception {
        // The jar starts from the broker.xml packaged on the classpath when BROKER_CONFIG is empty.
        URL packaged = getClass().getResource("/broker/broker.xml");
        assertThat(packaged).as("packaged broker.xml").isNotNull();
        FileConfiguration configuration = new FileConfiguration();
        FileDeploymentManager deployment = new FileDeploymentManager(packaged.toString());
        deployment.addDeployable(configuration);
        deployment.readConfiguration();

        assertThat(configuration.isJournalSyncTransactional()).as("journal-sync-transactional").isTrue();
        assertThat(configuration.isJournalSyncNonTransactional()).as("journal-sync-non-transactional").isTrue();
    }

    @Test
    void should_block_every_kind_of_accepted_send_until_the_broker_confirms_it() {
        for (Exchange kind : acceptedSendKinds()) {
            String uri = AcceptedQueue.uriFor(kind);
            JmsEndpoint endpoint = TestGateway.camel().getEndpoint(uri, JmsEndpoint.class);
            ActiveMQConnectionFactory artemis = artemisBehind(endpoint.getConfiguration().getConnectionFactory());

            assertThat(endpoint.getConfiguration().isDeliveryPersistent()).as("%s: persistent", uri).isTrue();
            assertThat(artemis.isBlockOnDurableSend()).as("%s: blockOnDurableSend", uri).isTrue();
        }
    }

    /** Plain, transacted (relayed recipients), streamed (large) and both: AcceptedQueue's four URIs. */
    private static List<Exchange> acceptedSendKinds() {
        List<Exchange> kinds = new ArrayList<>();
        for (boolean relayed : new boolean[] {false, true}) {
            for (long size : new long[] {1, EmbeddedBroker.STREAM_ABOVE + 1}) {
                Exchange exchange = new DefaultExchange(TestGateway.camel());
                exchange.getIn().setHeader(MailHeaders.SIZE, size);
                if (relayed) {
                    exchange.getIn().setHeader(MailHeaders.RELAYED, "r@relay.test");
                }
                kinds.add(exchange);
            }
        }
        return kinds;
    }

    private static ActiveMQConnectionFactory artemisBehind(ConnectionFactory factory) {
        ConnectionFactory target = factory instanceof CachingConnectionFactory cached ? cached.getTargetConnectionFactory() : factory;
        assertThat(target).isInstanceOf(ActiveMQConnectionFactory.class);
        return (ActiveMQConnectionFactory) target;
    }
}
