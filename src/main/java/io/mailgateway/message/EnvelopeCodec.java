package io.mailgateway.message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.util.json.DeserializationException;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;

/**
 * The one codec of the {@link Envelope} on broker messages: a JSON document in the property
 * {@link MailHeaders#ENVELOPE}. JSON quotes every string, so no character an address may hold
 * (',', '<', '"', '@' ...) can split or forge an entry; the canonical local part and domain are
 * written apart, so reading never parses an address again. Alongside, {@link MailHeaders#RELAYED}
 * counts the relayed recipients: the broker's divert to "delivery" filters on it.
 *
 * <pre>{"v":1,"from":{"l":"alice","d":"example.org"},"fromParams":{"BODY":"8BITMIME"},
 *  "rcpt":[{"r":"\"bob\"@example.com","l":"bob","d":"example.com","to":"LOCAL"}],
 *  "client":{"ip":"192.0.2.1","helo":"mx.example.org","tls":"TLSv1.3 TLS_AES_128_GCM_SHA256"}}</pre>
 * ("tls" is absent for a session in clear; envelopes written before it named the version hold true/false.)
 */
public final class EnvelopeCodec {

    private static final int VERSION = 1;

    private EnvelopeCodec() {
    }

    public static String encode(Envelope e) {
        JsonObject o = new JsonObject();
        o.put("v", VERSION);
        o.put("from", mailbox(e.sender()));
        if (!e.senderParameters().isEmpty()) {
            o.put("fromParams", new JsonObject(new LinkedHashMap<>(e.senderParameters())));
        }
        JsonArray rcpts = new JsonArray();
        for (Recipient r : e.recipients()) {
            JsonObject j = mailbox(r.mailbox());
            if (!r.received().equals(r.mailbox().toString())) {
                j.put("r", r.received());
            }
            j.put("to", r.disposition().name());
            if (!r.parameters().isEmpty()) {
                j.put("params", new JsonObject(new LinkedHashMap<>(r.parameters())));
            }
            rcpts.add(j);
        }
        o.put("rcpt", rcpts);
        JsonObject c = new JsonObject();
        c.put("ip", e.client().address());
        c.put("helo", e.client().helo());
        if (e.client().tls() != null) {
            c.put("tls", e.client().tls());
        }
        if (e.client().authUser() != null) {
            c.put("auth", e.client().authUser());
        }
        o.put("client", c);
        return Jsoner.serialize(o);
    }

    /** @throws IllegalArgumentException if the text is not an envelope this codec wrote */
    public static Envelope decode(String json) {
        Object parsed;
        try {
            parsed = Jsoner.deserialize(json);
        } catch (DeserializationException e) {
            throw new IllegalArgumentException("not an envelope: " + e.getMessage(), e);
        }
        if (!(parsed instanceof JsonObject o) || o.getInteger("v") == null || o.getInteger("v") != VERSION) {
            throw new IllegalArgumentException("not an envelope of version " + VERSION);
        }
        List<Recipient> rcpts = new ArrayList<>();
        JsonArray array = o.getCollection("rcpt");
        for (Object item : array == null ? List.of() : array) {
            JsonObject j = (JsonObject) item;
            Mailbox m = mailbox(j);
            String received = j.getString("r");
            rcpts.add(new Recipient(received == null ? m.toString() : received, m,
                    Disposition.valueOf(j.getString("to")), strings(j.getMap("params"))));
        }
        JsonObject c = o.getMap("client") == null ? new JsonObject() : (JsonObject) o.getMap("client");
        Object tls = c.get("tls");
        Client client = new Client(c.getString("ip"), c.getString("helo"),
                tls instanceof String s ? s : Boolean.TRUE.equals(tls) ? "TLS" : null, c.getString("auth"));
        return new Envelope(mailbox((JsonObject) o.getMap("from")), strings(o.getMap("fromParams")), rcpts, client);
    }

    /**
     * The envelope of a message in a route; an IllegalArgumentException if it has none. Several
     * steps of one route read it: the decoded value is kept on the exchange for as long as the
     * header holds the very same string (a step that changes the header changes the string).
     */
    public static Envelope read(Message in) {
        String json = in.getHeader(MailHeaders.ENVELOPE, String.class);
        if (json == null) {
            throw new IllegalArgumentException("message has no " + MailHeaders.ENVELOPE + " property");
        }
        Exchange exchange = in.getExchange();
        if (exchange != null && exchange.getProperty(DECODED) instanceof Decoded d && d.json() == json) {
            return d.envelope();
        }
        Envelope envelope = decode(json);
        if (exchange != null) {
            exchange.setProperty(DECODED, new Decoded(json, envelope));
        }
        return envelope;
    }

    /** Sets the envelope property and the relayed-recipient count the divert filters on (absent when 0). */
    public static void write(Message in, Envelope envelope) {
        Map<String, Object> headers = headers(envelope);
        headers.forEach(in::setHeader);
        if (!envelope.hasRelayed()) {
            in.removeHeader(MailHeaders.RELAYED);
        }
        if (in.getExchange() != null) {
            in.getExchange().setProperty(DECODED, new Decoded((String) headers.get(MailHeaders.ENVELOPE), envelope));
        }
    }

    /** Exchange property (in memory only, never on the broker) holding the decoded envelope. */
    private static final String DECODED = "MailEnvelopeDecoded";

    private record Decoded(String json, Envelope envelope) {
    }

    /** The properties {@link #write} sets, for a message built as a map of headers. */
    public static Map<String, Object> headers(Envelope envelope) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put(MailHeaders.ENVELOPE, encode(envelope));
        int relayed = envelope.relayed().size();
        if (relayed > 0) {
            h.put(MailHeaders.RELAYED, relayed);
        }
        return h;
    }

    private static JsonObject mailbox(Mailbox m) {
        JsonObject j = new JsonObject();
        j.put("l", m.localPart());
        j.put("d", m.domain());
        return j;
    }

    private static Mailbox mailbox(JsonObject j) {
        if (j == null) {
            return Mailbox.NULL;
        }
        return new Mailbox(j.getStringOrDefault("l", ""), j.getStringOrDefault("d", ""));
    }

    private static Map<String, String> strings(Map<?, ?> m) {
        if (m == null || m.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        return out;
    }
}
