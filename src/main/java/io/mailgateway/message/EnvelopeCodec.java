package io.mailgateway.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

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
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeFieldName("from");
            mailbox(g, e.sender());
            if (!e.senderParameters().isEmpty()) {
                g.writeFieldName("fromParams");
                strings(g, e.senderParameters());
            }
            g.writeArrayFieldStart("rcpt");
            for (Recipient r : e.recipients()) {
                g.writeStartObject();
                g.writeStringField("l", r.mailbox().localPart());
                g.writeStringField("d", r.mailbox().domain());
                if (!r.received().equals(r.mailbox().toString())) {
                    g.writeStringField("r", r.received());
                }
                g.writeStringField("to", r.disposition().name());
                if (!r.parameters().isEmpty()) {
                    g.writeFieldName("params");
                    strings(g, r.parameters());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("client");
            g.writeStringField("ip", e.client().address());
            g.writeStringField("helo", e.client().helo());
            if (e.client().tls() != null) {
                g.writeStringField("tls", e.client().tls());
            }
            if (e.client().authUser() != null) {
                g.writeStringField("auth", e.client().authUser());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException impossible) { // a StringWriter does not fail
            throw new UncheckedIOException(impossible);
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException if the text is not an envelope this codec wrote */
    public static Envelope decode(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT);
            Integer version = null;
            Mailbox from = Mailbox.NULL;
            Map<String, String> fromParams = Map.of();
            List<Recipient> rcpts = new ArrayList<>();
            Client client = new Client(null, null, null, null);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "v" -> version = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : null;
                    case "from" -> from = mailbox(p, value);
                    case "fromParams" -> fromParams = strings(p, value);
                    case "rcpt" -> {
                        expect(p, value, JsonToken.START_ARRAY);
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            rcpts.add(recipient(p));
                        }
                    }
                    case "client" -> client = client(p, value);
                    default -> p.skipChildren(); // a field a later version added
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IllegalArgumentException("not an envelope: text after its end");
            }
            if (version == null || version != VERSION) {
                throw new IllegalArgumentException("not an envelope of version " + VERSION);
            }
            return new Envelope(from, fromParams, rcpts, client);
        } catch (IOException e) { // malformed JSON
            throw new IllegalArgumentException("not an envelope: " + e.getMessage(), e);
        }
    }

    /** Streaming JSON (Jackson): the stores decode every message's envelope, so no tree of maps per message. */
    private static final JsonFactory JSON = new JsonFactory();

    private static void mailbox(JsonGenerator g, Mailbox m) throws IOException {
        g.writeStartObject();
        g.writeStringField("l", m.localPart());
        g.writeStringField("d", m.domain());
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, Map<String, String> m) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, String> e : m.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static Mailbox mailbox(JsonParser p, JsonToken start) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return Mailbox.NULL;
        }
        expect(p, start, JsonToken.START_OBJECT);
        String local = "";
        String domain = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "l" -> local = text(p, "");
                case "d" -> domain = text(p, "");
                default -> p.skipChildren();
            }
        }
        return new Mailbox(local, domain);
    }

    private static Recipient recipient(JsonParser p) throws IOException {
        expect(p, p.currentToken(), JsonToken.START_OBJECT);
        String local = "";
        String domain = "";
        String received = null;
        String to = null;
        Map<String, String> params = Map.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "l" -> local = text(p, "");
                case "d" -> domain = text(p, "");
                case "r" -> received = text(p, null);
                case "to" -> to = text(p, null);
                case "params" -> params = strings(p, value);
                default -> p.skipChildren();
            }
        }
        Disposition disposition;
        try {
            disposition = Disposition.valueOf(String.valueOf(to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an envelope: recipient disposition " + to);
        }
        Mailbox m = new Mailbox(local, domain);
        return new Recipient(received == null ? m.toString() : received, m, disposition, params);
    }

    private static Client client(JsonParser p, JsonToken start) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return new Client(null, null, null, null);
        }
        expect(p, start, JsonToken.START_OBJECT);
        String ip = null;
        String helo = null;
        String tls = null;
        String auth = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "ip" -> ip = text(p, null);
                case "helo" -> helo = text(p, null);
                // envelopes written before "tls" named the version hold true/false
                case "tls" -> tls = value == JsonToken.VALUE_STRING ? p.getText() : value == JsonToken.VALUE_TRUE ? "TLS" : null;
                case "auth" -> auth = text(p, null);
                default -> p.skipChildren();
            }
        }
        return new Client(ip, helo, tls, auth);
    }

    private static Map<String, String> strings(JsonParser p, JsonToken start) throws IOException {
        if (start == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        expect(p, start, JsonToken.START_OBJECT);
        Map<String, String> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            out.put(key, text(p, ""));
        }
        return out.isEmpty() ? Map.of() : out;
    }

    /** The current scalar as text ({@code absent} for null); an object or array is not an envelope's. */
    private static String text(JsonParser p, String absent) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return absent;
        }
        if (t == null || !t.isScalarValue()) {
            throw new IllegalArgumentException("not an envelope: " + t + " where a value belongs");
        }
        return p.getText();
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("not an envelope: " + actual + " where " + expected + " belongs");
        }
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
}
