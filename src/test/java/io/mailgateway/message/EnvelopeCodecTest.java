package io.mailgateway.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {

    @Test
    void should_round_trip_every_field_without_reparsing_addresses() {
        Envelope e = new Envelope(Mailbox.of("\"al,ice\"@example.org"), Map.of("BODY", "8BITMIME", "SMTPUTF8", ""),
                List.of(new Recipient("\"bob\"@example.com", Mailbox.of("bob@example.com"), Disposition.LOCAL, Map.of()),
                        new Recipient("\"x,y@z>\"@relay.test", Mailbox.of("\"x,y@z>\"@relay.test"), Disposition.RELAY,
                                Map.of("NOTIFY", "FAILURE", "ORCPT", "rfc822;x@relay.test")),
                        Recipient.of(Mailbox.of("j\u00F6rg@example.com"), Disposition.LOCAL)),
                new Client("2001:db8::1", "mx.example.org", "TLSv1.3 TLS_AES_128_GCM_SHA256", "alice"));

        Envelope back = EnvelopeCodec.decode(EnvelopeCodec.encode(e));

        assertThat(back).isEqualTo(e);
        assertThat(back.relayed()).extracting(Recipient::address).containsExactly("\"x,y@z>\"@relay.test");
        assertThat(back.local()).hasSize(2);
    }

    @Test
    void should_count_relayed_recipients_for_the_divert_and_leave_the_count_out_when_none() {
        Envelope local = new Envelope(Mailbox.NULL, Map.of(), List.of(Recipient.of(Mailbox.of("a@x.test"), Disposition.LOCAL)),
                Client.local("mx.test"));
        assertThat(EnvelopeCodec.headers(local)).containsOnlyKeys(MailHeaders.ENVELOPE);
        Envelope relayed = local.withRecipients(List.of(Recipient.of(Mailbox.of("a@x.test"), Disposition.RELAY),
                Recipient.of(Mailbox.of("b@x.test"), Disposition.RELAY)));
        assertThat(EnvelopeCodec.headers(relayed)).containsEntry(MailHeaders.RELAYED, 2);
        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(local)).sender().isNull()).isTrue();
    }

    @Test
    void should_decode_once_per_route_while_the_header_is_unchanged() {
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(new org.apache.camel.impl.DefaultCamelContext());
        Envelope e = new Envelope(Mailbox.of("a@x.test"), Map.of(), List.of(Recipient.of(Mailbox.of("b@y.test"), Disposition.RELAY)),
                Client.local("mx.test"));
        EnvelopeCodec.write(exchange.getIn(), e);
        assertThat(EnvelopeCodec.read(exchange.getIn())).isSameAs(e);
        Envelope other = e.withRecipients(List.of(Recipient.of(Mailbox.of("c@y.test"), Disposition.LOCAL)));
        exchange.getIn().setHeader(MailHeaders.ENVELOPE, EnvelopeCodec.encode(other)); // a step that rewrites the header
        assertThat(EnvelopeCodec.read(exchange.getIn())).isEqualTo(other);
        assertThat(exchange.getIn().getHeader(MailHeaders.RELAYED)).isEqualTo(1); // write() set it; this step did not
    }

    @Test
    void should_refuse_what_it_did_not_write() {
        assertThatThrownBy(() -> EnvelopeCodec.decode("a@x.test,b@y.test")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvelopeCodec.decode("{\"v\":2}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvelopeCodec.decode("{\"from\":{}}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvelopeCodec.decode("{\"v\":1} {}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvelopeCodec.decode("{\"v\":1,\"rcpt\":{}}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvelopeCodec.decode("{\"v\":1,\"rcpt\":[{\"l\":\"a\",\"d\":\"x.test\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("disposition");
        assertThatThrownBy(() -> EnvelopeCodec.decode("{\"v\":1,\"rcpt\":[{\"l\":[],\"to\":\"LOCAL\"}]}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvelopeCodec.decode("{\"v\":1,\"from\":{\"l\":\"a")).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Messages already in a journal were encoded by camel-util-json's Jsoner, which escapes '/' and
     * non-ASCII letters and once wrote "tls" as a boolean; they must still decode after an upgrade.
     */
    @Test
    void should_read_envelopes_an_earlier_release_wrote_into_the_journal() {
        String earlier = "{\"v\":1,\"from\":{\"l\":\"a\\/b\",\"d\":\"example.org\"},\"fromParams\":{\"BODY\":\"8BITMIME\"},"
                + "\"rcpt\":[{\"l\":\"j\\u00F6rg\",\"d\":\"example.com\",\"to\":\"LOCAL\"},"
                + "{\"l\":\"x\",\"d\":\"relay.test\",\"r\":\"X@relay.test\",\"to\":\"RELAY\",\"params\":{\"NOTIFY\":\"NEVER\"}}],"
                + "\"client\":{\"ip\":\"192.0.2.1\",\"helo\":\"mx.example.org\",\"tls\":true},\"later\":[1,{\"x\":2}]}";

        Envelope e = EnvelopeCodec.decode(earlier);

        assertThat(e.sender()).isEqualTo(new Mailbox("a/b", "example.org"));
        assertThat(e.senderParameters()).containsExactly(Map.entry("BODY", "8BITMIME"));
        assertThat(e.recipients()).containsExactly(
                Recipient.of(new Mailbox("j\u00F6rg", "example.com"), Disposition.LOCAL),
                new Recipient("X@relay.test", new Mailbox("x", "relay.test"), Disposition.RELAY, Map.of("NOTIFY", "NEVER")));
        assertThat(e.client()).isEqualTo(new Client("192.0.2.1", "mx.example.org", "TLS", null));
        assertThat(EnvelopeCodec.decode(EnvelopeCodec.encode(e))).isEqualTo(e);
    }
}
