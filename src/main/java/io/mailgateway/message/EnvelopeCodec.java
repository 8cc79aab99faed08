package io.mailgateway.message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *  "client":{"ip":"192.0.2.1","helo":"mx.example.org","tls":false}}</pre>
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
        c.put("tls", e.client().tls());
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
        Client client = new Client(c.getString("ip"), c.getString("helo"), Boolean.TRUE.equals(c.getBoolean("tls")),
                c.getString("auth"));
        return new Envelope(mailbox((JsonObject) o.getMap("from")), strings(o.getMap("fromParams")), rcpts, client);
    }

    /** The envelope of a message in a route; an IllegalArgumentException if it has none. */
    public static Envelope read(Message in) {
        String json = in.getHeader(MailHeaders.ENVELOPE, String.class);
        if (json == null) {
            throw new IllegalArgumentException("message has no " + MailHeaders.ENVELOPE + " property");
        }
        return decode(json);
    }

    /** Sets the envelope property and the relayed-recipient count the divert filters on (absent when 0). */
    public static void write(Message in, Envelope envelope) {
        in.setHeader(MailHeaders.ENVELOPE, encode(envelope));
        headers(envelope).forEach(in::setHeader);
        if (!envelope.hasRelayed()) {
            in.removeHeader(MailHeaders.RELAYED);
        }
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
