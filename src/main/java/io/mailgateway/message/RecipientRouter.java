package io.mailgateway.message;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides, once per recipient at RCPT, whether the gateway takes mail for it and where it goes:
 * {@link Disposition#LOCAL} (mailbox stores) or {@link Disposition#RELAY} (the delivery queue);
 * empty means refused (no open relay). The delivery package's next-hop routing implements it
 * with the transport map; {@link #localOnly} is the listener's fallback when nothing is relayed.
 */
@FunctionalInterface
public interface RecipientRouter {

    Optional<Disposition> dispositionOf(Mailbox recipient);

    /** Mail the gateway itself originates (a DSN): LOCAL for a local mailbox, RELAY for any other. */
    default Disposition dispositionOfOwnMail(Mailbox recipient) {
        return dispositionOf(recipient).orElse(Disposition.RELAY);
    }

    /** Accepts local domains only. */
    static RecipientRouter localOnly(Collection<String> localDomains) {
        Set<String> local = localDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        return rcpt -> local.contains(rcpt.domain()) ? Optional.of(Disposition.LOCAL) : Optional.empty();
    }
}
