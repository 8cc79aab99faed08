package io.mailgateway.message;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The SMTP envelope of one message with the facts of its client: what every stage after the
 * session reads (policy checks, stores, delivery, the queue CLI). Carried on broker messages by
 * {@link EnvelopeCodec} as one property; never as a joined string of addresses.
 *
 * @param sender           MAIL FROM, {@link Mailbox#NULL} for {@code <>}
 * @param senderParameters MAIL FROM's ESMTP parameters (BODY, SMTPUTF8, ...), upper-case keys
 * @param recipients       in RCPT order, each with its disposition
 * @param client           the client's facts
 */
public record Envelope(Mailbox sender, Map<String, String> senderParameters, List<Recipient> recipients, Client client) {

    public Envelope {
        senderParameters = senderParameters.isEmpty() ? Map.of()
                : java.util.Collections.unmodifiableMap(new TreeMap<>(senderParameters));
        recipients = List.copyOf(recipients);
    }

    public List<Recipient> local() {
        return filter(Recipient::isLocal);
    }

    public List<Recipient> relayed() {
        return filter(Recipient::isRelayed);
    }

    public boolean hasRelayed() {
        return recipients.stream().anyMatch(Recipient::isRelayed);
    }

    /** The same envelope with other recipients (a retry's remaining ones, a dead letter's failed ones). */
    public Envelope withRecipients(List<Recipient> others) {
        return new Envelope(sender, senderParameters, others, client);
    }

    private List<Recipient> filter(Predicate<Recipient> p) {
        return recipients.stream().filter(p).toList();
    }
}
