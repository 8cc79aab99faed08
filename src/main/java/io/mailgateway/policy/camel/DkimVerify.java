package io.mailgateway.policy.camel;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.MessageContent;
import io.mailgateway.metrics.AuthMetrics;
import io.mailgateway.policy.dkim.DkimResult;
import io.mailgateway.policy.dkim.DkimVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route step {@code dkimVerify}: verifies every DKIM-Signature (RFC 6376) of the message as the
 * client sent it, with the {@link DkimVerifier} bound as {@code dkimVerifier}. Results go on as
 * the exchange property {@link #RESULTS} (for DMARC) and the header {@link MailHeaders#DKIM_RESULTS}.
 * Like SPF, DKIM alone never rejects. Off when DKIM_VERIFY_ENABLED=false, or while no verifier
 * is bound (then said once in the log).
 */
public class DkimVerify implements Processor {

    /** Exchange property with the {@code List<DkimResult>}; only within the inbound route. */
    public static final String RESULTS = "MailDkimResultList";

    private static final Logger LOG = LoggerFactory.getLogger(DkimVerify.class);

    private final boolean enabled;
    private final AuthMetrics metrics;
    private final DkimVerifier fixed;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** Uses the verifier bound as {@code dkimVerifier} in the registry. */
    public DkimVerify(boolean enabled, AuthMetrics metrics) {
        this(enabled, metrics, null);
    }

    /** Uses {@code verifier} (e.g. in a route of its own); null means the registry's. */
    public DkimVerify(boolean enabled, AuthMetrics metrics, DkimVerifier verifier) {
        this.enabled = enabled;
        this.metrics = metrics;
        this.fixed = verifier;
    }

    @Override
    public void process(Exchange exchange) throws IOException, InvalidPayloadException {
        if (!enabled) {
            return;
        }
        DkimVerifier verifier = fixed != null ? fixed
                : exchange.getContext().getRegistry().lookupByNameAndType("dkimVerifier", DkimVerifier.class);
        if (verifier == null) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("DKIM_VERIFY_ENABLED=true but no DKIM verifier is bound as 'dkimVerifier': DKIM is not checked");
            }
            return;
        }
        Message in = exchange.getIn();
        List<DkimResult> results;
        try (InputStream message = in.getMandatoryBody(MessageContent.class).openReceived()) {
            results = List.copyOf(verifier.verify(message));
        }
        exchange.setProperty(RESULTS, results);
        in.setHeader(MailHeaders.DKIM_RESULTS, results.isEmpty() ? "none" : results.stream()
                .map(r -> r.result().keyword() + " " + orDash(r.domain()) + " " + orDash(r.selector()))
                .collect(Collectors.joining(";")));
        if (results.isEmpty()) {
            metrics.result("dkim", "none");
        }
        results.forEach(r -> metrics.result("dkim", r.result().keyword()));
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
