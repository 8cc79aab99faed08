package io.mailgateway.testing;

import io.mailgateway.message.Client;
import io.mailgateway.message.Disposition;
import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.Mailbox;
import io.mailgateway.message.Recipient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Envelopes for tests that put messages straight into broker queues, as the gateway would. */
public final class Envelopes {

    private Envelopes() {
    }

    /** From {@code sender} ("" for the null sender) to relayed and local recipients. */
    public static Envelope of(String sender, List<String> relayed, List<String> local) {
        List<Recipient> rcpts = new ArrayList<>();
        relayed.forEach(r -> rcpts.add(Recipient.of(Mailbox.of(r), Disposition.RELAY)));
        local.forEach(r -> rcpts.add(Recipient.of(Mailbox.of(r), Disposition.LOCAL)));
        return new Envelope(sender.isEmpty() ? Mailbox.NULL : Mailbox.of(sender), Map.of(), rcpts,
                new Client("192.0.2.1", "client.test", null, null));
    }

    /** The envelope properties ({@link MailHeaders#ENVELOPE}, {@link MailHeaders#RELAYED}) of such a message. */
    public static Map<String, Object> headers(String sender, List<String> relayed, List<String> local) {
        return EnvelopeCodec.headers(of(sender, relayed, local));
    }

    /** The same for a message {@code sender} submitted after AUTH as itself (what the DKIM signer signs). */
    public static Map<String, Object> submittedHeaders(String sender, List<String> relayed) {
        Envelope e = of(sender, relayed, List.of());
        return EnvelopeCodec.headers(new Envelope(e.sender(), Map.of(), e.recipients(), new Client("192.0.2.1", "client.test", "TLSv1.3", sender)));
    }

    /** The envelope of a message as the broker's management lists its properties. */
    public static Envelope read(Map<String, Object> properties) {
        return EnvelopeCodec.decode((String) properties.get(MailHeaders.ENVELOPE));
    }

    /** Addresses of the relayed recipients of a listed message. */
    public static List<String> relayed(Map<String, Object> properties) {
        return read(properties).relayed().stream().map(Recipient::address).toList();
    }
}
