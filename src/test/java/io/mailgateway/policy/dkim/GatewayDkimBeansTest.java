package io.mailgateway.policy.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.testing.TestGateway;
import org.apache.camel.Processor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway binds the DKIM beans routes use: dkimVerifier (DMARC step) and dkimSign (delivery). */
@ExtendWith(TestGateway.class)
class GatewayDkimBeansTest {

    @Test
    void dkim_beans_are_in_the_registry() {
        var registry = TestGateway.camel().getRegistry();
        assertThat(registry.lookupByNameAndType("dkimVerifier", DkimVerifier.class)).isInstanceOf(DnsDkimVerifier.class);
        assertThat(registry.lookupByNameAndType("dkimSign", Processor.class)).isInstanceOf(DkimSignProcessor.class);
    }
}
