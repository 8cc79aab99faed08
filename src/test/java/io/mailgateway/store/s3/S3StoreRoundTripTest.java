package io.mailgateway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Mail sent over SMTP ends up in S3 (a real s3proxy server) under
 * {@code mail/yyyy/mm/dd/QUEUEID.eml}, with the envelope as metadata, and byte for byte what
 * the Maildir store wrote minus the Return-Path line that store adds.
 */
@ExtendWith(TestGateway.class)
class S3StoreRoundTripTest {

    @Test
    void should_store_object_with_key_metadata_and_the_maildir_bytes() throws Exception {
        String a = TestGateway.uniqueUser("s3rt") + "@example.com";
        String b = TestGateway.uniqueUser("s3rt") + "@test.local";
        byte[] body = ("Subject: s3\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGr\u00fc\u00dfe\r\n..dot\r\n")
                .getBytes(StandardCharsets.UTF_8);
        String id;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            id = c.sendMail("sender@example.org", List.of(a, b), concat(body, ".\r\n"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> S3Objects.keyOf(id).isPresent() && TestGateway.newMail(a).size() == 1);
        Path maildirFile = TestGateway.newMail(a).get(0);
        long receivedSecond = Long.parseLong(maildirFile.getFileName().toString().split("\\.")[0]);
        String day = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC).format(Instant.ofEpochSecond(receivedSecond));
        assertThat(S3Objects.keysOf(id)).containsExactly("mail/" + day + "/" + id + ".eml");

        ResponseInputStream<GetObjectResponse> object = S3Objects.get("mail/" + day + "/" + id + ".eml");
        Map<String, String> meta = object.response().metadata();
        assertThat(meta).containsEntry("queue-id", id)
                .containsEntry("sender", "sender@example.org")
                .containsEntry("recipients", a + " " + b)
                .containsEntry("recipient-count", "2")
                .containsEntry("client-address", "127.0.0.1")
                .containsKeys("helo", "received-at", "protocol");
        assertThat(Instant.parse(meta.get("received-at")).getEpochSecond()).isEqualTo(receivedSecond);
        assertThat(object.response().contentType()).isEqualTo("message/rfc822");

        byte[] stored = object.readAllBytes();
        byte[] maildir = Files.readAllBytes(maildirFile);
        int skip = (int) S3Objects.returnPathLength(maildirFile);
        assertThat(stored).isEqualTo(java.util.Arrays.copyOfRange(maildir, skip, maildir.length));
        assertThat(new String(stored, StandardCharsets.UTF_8)).startsWith("Received: ").endsWith("Gr\u00fc\u00dfe\r\n.dot\r\n");
    }

    @Test
    void should_stream_a_20_mb_message_to_s3_in_parts() throws Exception {
        // The shared test listener takes 4 MiB at most; this one takes 32 MiB and, like the
        // inbound route, streams large messages into the broker.
        TestGateway.camel().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("smtpd:127.0.0.1:0?maxMessageSize=33554432").routeId("s3-large-listener")
                        .process("receivedHeader")
                        .to("accepted:mail.accepted"); // streams messages over 100 KiB
            }
        });
        int port = ((io.mailgateway.smtp.camel.SmtpdConsumer) TestGateway.camel().getRoute("s3-large-listener").getConsumer()).getLocalPort();
        String rcpt = TestGateway.uniqueUser("s3big") + "@example.com";
        long size = 20L * 1024 * 1024;
        String id;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port).timeout(Duration.ofSeconds(60))) {
            c.send("MAIL FROM:<big@example.org> SIZE=" + size).expect(250, "2.1.0");
            c.send("RCPT TO:<" + rcpt + ">").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            OutputStream out = new BufferedOutputStream(c.output(), 65536);
            out.write("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-+xyz012345678\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            for (long written = 0; written < size; written += line.length) {
                out.write(line);
            }
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            id = SmtpTestClient.queueId(c.expect(250, "2.0.0"));
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> S3Objects.keyOf(id).isPresent() && TestGateway.newMail(rcpt).size() == 1);
        Path maildirFile = TestGateway.newMail(rcpt).get(0);
        String key = S3Objects.keyOf(id).orElseThrow();
        ResponseInputStream<GetObjectResponse> object = S3Objects.get(key);
        long skip = S3Objects.returnPathLength(maildirFile);
        assertThat(object.response().eTag()).as("multipart ETag").matches("\"?[0-9a-f]+-3\"?");
        assertThat(object.response().contentLength()).isEqualTo(Files.size(maildirFile) - skip).isGreaterThan(size);
        assertThat(S3Objects.sha256(object, 0)).isEqualTo(S3Objects.sha256(Files.newInputStream(maildirFile), skip));
        TestGateway.camel().getRouteController().stopRoute("s3-large-listener");
        TestGateway.camel().removeRoute("s3-large-listener");
    }

    private static byte[] concat(byte[] a, String b) {
        byte[] tail = b.getBytes(StandardCharsets.US_ASCII);
        byte[] out = java.util.Arrays.copyOf(a, a.length + tail.length);
        System.arraycopy(tail, 0, out, a.length, tail.length);
        return out;
    }
}
