package io.mailgateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.TestGateway;
import java.net.URL;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
    void should_block_every_accepted_send_until_the_broker_confirms_it() throws Exception {
        AcceptedQueue queue = ((AcceptedComponent.AcceptedEndpoint) TestGateway.camel()
                .getEndpoint("accepted:" + EmbeddedBroker.ACCEPTED_ADDRESS)).queue();

        // Relayed messages are sent in a transaction, whose commit is blocking and synced
        // (journal-sync-transactional above); every other send is a durable non-transacted one.
        assertThat(queue.locator().isBlockOnDurableSend()).as("blockOnDurableSend").isTrue();
    }
}
