package io.mailgateway.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.message.Mailbox;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The sender of a fetched message, from the headers a mailbox keeps. */
class FetchedEnvelopeTest {

    private static MimeMessage parse(String headers) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream((headers + "\r\nbody\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void should_take_the_topmost_return_path() throws Exception {
        MimeMessage m = parse("Return-Path: <last@hop.test>\r\nReturn-Path: <older@hop.test>\r\nFrom: Alice <alice@from.test>\r\n");
        assertThat(FetchedEnvelope.sender(m)).isEqualTo(Mailbox.of("last@hop.test"));
    }

    @Test
    void should_keep_a_null_return_path_null() throws Exception {
        assertThat(FetchedEnvelope.sender(parse("Return-Path: <>\r\nFrom: daemon@from.test\r\n")).isNull()).isTrue();
    }

    @Test
    void should_fall_back_to_the_from_address_without_its_display_name() throws Exception {
        assertThat(FetchedEnvelope.sender(parse("From: \"Alice, A.\" <alice@from.test>\r\n"))).isEqualTo(Mailbox.of("alice@from.test"));
    }

    @Test
    void should_use_the_null_sender_when_nothing_parses() throws Exception {
        assertThat(FetchedEnvelope.sender(parse("Return-Path: not an address\r\nFrom: <<broken\r\n")).isNull()).isTrue();
        assertThat(FetchedEnvelope.sender(parse("Subject: no sender at all\r\n")).isNull()).isTrue();
    }
}
