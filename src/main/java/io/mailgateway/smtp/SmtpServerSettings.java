package io.mailgateway.smtp;

import io.mailgateway.message.RecipientRouter;
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
        Duration transactionTimeout,
        Duration sessionMaxLifetime,
        Duration greetingDelay,
        Path spoolDir,
        int spoolThreshold,
        RecipientRouter router) {

    /** Settings of a listener that relays nothing: only local domains are accepted. */
    public SmtpServerSettings(String hostname, List<String> localDomains, long maxMessageSize, int maxRecipients,
            int maxErrors, Duration idleTimeout, Duration transactionTimeout, Duration sessionMaxLifetime, Duration greetingDelay,
            Path spoolDir, int spoolThreshold) {
        this(hostname, localDomains, maxMessageSize, maxRecipients, maxErrors, idleTimeout, transactionTimeout, sessionMaxLifetime,
                greetingDelay, spoolDir, spoolThreshold, null);
    }

    public SmtpServerSettings {
        localDomains = localDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        if (localDomains.isEmpty()) {
            throw new IllegalArgumentException("at least one local domain is needed");
        }
        if (router == null) {
            router = RecipientRouter.localOnly(localDomains); // nothing relayed: local domains only
        }
    }

    /** The first local domain: where mail to a bare {@code <postmaster>} goes. */
    public String primaryDomain() {
        return localDomains.get(0);
    }

}
