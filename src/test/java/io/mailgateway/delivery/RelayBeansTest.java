package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.TestGateway;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.Test;

/** The gateway binds the relay client and the next-hop router for the delivery route. */
class RelayBeansTest {

    @Test
    void should_bind_relay_client_and_next_hops() throws Exception {
        Registry registry = TestGateway.start().camelContext().getRegistry();

        assertThat(registry.lookupByNameAndType("relayClient", RelayClient.class)).isInstanceOf(SmtpRelayClient.class);
        NextHops hops = registry.lookupByNameAndType("nextHops", NextHops.class);
        assertThat(hops).isNotNull();
        // Defaults: TRANSPORT_MAP=*=mx, no RELAY_DOMAINS: nothing is relayed (no open relay).
        assertThat(hops.dispositionOf(io.mailgateway.message.Mailbox.of("someone@elsewhere.test"))).isEmpty();
    }
}
