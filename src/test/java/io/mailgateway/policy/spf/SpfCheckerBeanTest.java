package io.mailgateway.policy.spf;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.message.Mailbox;
import io.mailgateway.testing.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gateway binds one spfChecker for the policy routes: the cache around our evaluator (SPF_CACHE_ENABLED defaults to true). */
@ExtendWith(TestGateway.class)
class SpfCheckerBeanTest {

    @Test
    void spf_checker_bean_is_the_caching_evaluator() {
        SpfChecker spf = TestGateway.camel().getRegistry().lookupByNameAndType("spfChecker", SpfChecker.class);
        assertThat(spf).isInstanceOf(CachingSpfChecker.class);
        // a single-label domain is no SPF identity (RFC 7208 4.3): answered without DNS
        SpfOutcome o = spf.evaluate("192.0.2.1", Mailbox.of("someone@localhost"), "client.example");
        assertThat(o.result()).isEqualTo(SpfResult.NONE);
        assertThat(o.identity()).isEqualTo("mailfrom");
        assertThat(o.domain()).isEqualTo("localhost");
    }
}
