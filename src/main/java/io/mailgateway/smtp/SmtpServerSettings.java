package io.mailgateway.smtp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.List;

/**
 * Everything one SMTP listener needs to know, fixed at start. Built from configuration
 * (see docs/configuration.md), overridable per listener in the inbound route's URI.
 */
public record SmtpServerSettings(
        String hostname,
        List<String> localDomains,
        long maxMessageSize,
        int maxRecipients,
        int maxErrors,
        Duration idleTimeout,
        Duration sessionTimeout,
        Duration greetingDelay,
        Path spoolDir,
        int spoolThreshold,
        java.util.function.Predicate<String> relayedRecipient) {

    /** Settings of a listener that relays nothing: only local domains are accepted. */
    public SmtpServerSettings(String hostname, List<String> localDomains, long maxMessageSize, int maxRecipients,
            int maxErrors, Duration idleTimeout, Duration sessionTimeout, Duration greetingDelay, Path spoolDir,
            int spoolThreshold) {
        this(hostname, localDomains, maxMessageSize, maxRecipients, maxErrors, idleTimeout, sessionTimeout,
                greetingDelay, spoolDir, spoolThreshold, rcpt -> false);
    }

    public SmtpServerSettings {
        localDomains = localDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        if (localDomains.isEmpty()) {
            throw new IllegalArgumentException("at least one local domain is needed");
        }
    }

    /** The first local domain: where mail to a bare {@code <postmaster>} goes. */
    public String primaryDomain() {
        return localDomains.get(0);
    }

    /** Whether RCPT may name this address although its domain is not local: the gateway relays it onward. */
    public boolean isRelayed(MailAddress recipient) {
        return relayedRecipient.test(recipient.toString());
    }

    public boolean isLocalDomain(String domain) {
        return localDomains.contains(domain.toLowerCase(Locale.ROOT));
    }
}
