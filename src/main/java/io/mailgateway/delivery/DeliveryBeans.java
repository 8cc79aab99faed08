package io.mailgateway.delivery;

import io.mailgateway.config.Capability;
import io.mailgateway.config.GatewayConfig;
import io.mailgateway.config.Wiring;
import io.micrometer.core.instrument.MeterRegistry;
import io.mailgateway.policy.dkim.DkimSignProcessor;
import io.mailgateway.policy.dkim.DkimSigner;
import io.mailgateway.policy.dns.DnsResolver;

/**
 * The relay onward: "recipientRouter" and "nextHops" (LOCAL, RELAY or refused per recipient at
 * RCPT, and the next hops of relayed ones, on the shared "dnsResolver"), "relayClient" (one
 * pooled SMTP client for every delivery worker), "dkimSign" and "deliver" (the steps of route
 * delivery). Signing keys load here: a missing key file is a startup error.
 */
public final class DeliveryBeans implements Capability {

    @Override
    public void bind(Wiring wiring) throws Exception {
        GatewayConfig config = wiring.config();
        wiring.bind("dkimSign", new DkimSignProcessor(DkimSigner.fromConfig(config)));
        NextHops nextHops = wiring.bind("nextHops", NextHops.fromConfig(config, wiring.lookup("dnsResolver", DnsResolver.class),
                wiring.lookup("ownListeners", io.mailgateway.smtp.OwnListeners.class)::isOurs)); // never relay to ourselves
        wiring.bind("recipientRouter", nextHops);
        SmtpRelayClient client = wiring.bind("relayClient", new SmtpRelayClient(RelaySettings.fromConfig(config))
                .countInto(wiring.lookup("metricsRegistry", MeterRegistry.class)));
        DeliverProcessor deliver = new DeliverProcessor(nextHops, client, RetrySchedule.fromConfig(config), config.hostname(),
                config.dataDir().resolve("spool"), config.getInt("QUEUE_PARALLEL_WORKERS"), config.getInt("QUEUE_WORKER_THREADS"),
                new DeliveryMetrics(wiring.lookup("metricsRegistry", MeterRegistry.class)));
        wiring.bind("deliver", deliver);
        wiring.closeOnStop(deliver);
        wiring.closeOnStop(client); // QUIT on pooled connections at shutdown
    }
}
