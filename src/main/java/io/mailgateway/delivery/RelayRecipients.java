package io.mailgateway.delivery;

import io.mailgateway.message.MailHeaders;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Inbound step: names the recipients the gateway relays onward in header
 * {@link MailHeaders#RELAY_RECIPIENTS} (comma separated), and removes the header when there are
 * none, so the broker's divert (filter {@code MailRelayRecipients IS NOT NULL}) sends only
 * messages with relayed recipients to the queue "delivery".
 */
public final class RelayRecipients implements Processor {

    private final Router router;

    public RelayRecipients(Router router) {
        this.router = router;
    }

    @Override
    public void process(Exchange exchange) {
        String all = exchange.getIn().getHeader(MailHeaders.RECIPIENTS, String.class);
        String relayed = all == null ? "" : Arrays.stream(all.split(","))
                .map(String::trim).filter(r -> !r.isEmpty() && router.relays(r))
                .collect(Collectors.joining(","));
        if (relayed.isEmpty()) {
            exchange.getIn().removeHeader(MailHeaders.RELAY_RECIPIENTS);
        } else {
            exchange.getIn().setHeader(MailHeaders.RELAY_RECIPIENTS, relayed);
        }
    }
}
