package io.mailgateway.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SQL store inside the running gateway (SQLite in DATA_DIR/gateway.db, next to the Maildir
 * store): what arrives over SMTP ends up as one row whose body is the Maildir copy without the
 * Return-Path line the Maildir store adds.
 */
@ExtendWith(TestGateway.class)
class SqlRoundTripTest {

    @Test
    void should_store_a_row_whose_body_equals_the_maildir_copy() throws Exception {
        String rcpt = TestGateway.uniqueUser("sql") + "@example.com";
        byte[] message = ("From: a@example.org\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= aus\r\n =?ISO-8859-1?B?S/Zsbg==?=\r\n"
                + "\r\nbody \u2603\r\n").getBytes(StandardCharsets.UTF_8);
        String id = send("s@example.org", rcpt, message);

        Map<String, Object> row = awaitRow(id);
        byte[] maildirCopy = withoutReturnPath(awaitMaildir(rcpt));
        assertThat((byte[]) row.get("body")).isEqualTo(maildirCopy);
        assertThat(row.get("body_ref")).isNull();
        assertThat(row.get("subject")).isEqualTo("Grüße aus Köln");
        assertThat(row.get("sender")).isEqualTo("s@example.org");
        assertThat(row.get("recipients")).isEqualTo("[\"" + rcpt + "\"]"); // a JSON array
        assertThat(EnvelopeCodec.decode((String) row.get("envelope")).recipients())
                .extracting(r -> r.address(), r -> r.disposition())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(rcpt, io.mailgateway.message.Disposition.LOCAL));
        assertThat(row.get("client_ip")).isEqualTo("127.0.0.1");
        assertThat(row.get("status")).isEqualTo("stored");
        assertThat(((Number) row.get("size")).longValue()).isEqualTo(message.length);
    }

    @Test
    void should_store_a_large_body_as_a_blob_file_the_row_points_to() throws Exception {
        String rcpt = TestGateway.uniqueUser("sqlblob") + "@example.com";
        StringBuilder text = new StringBuilder("Subject: big\r\n\r\n");
        while (text.length() < TestGateway.SQL_INLINE_BODY_LIMIT + 10_000) {
            text.append("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n");
        }
        String id = send("s@example.org", rcpt, text.toString().getBytes(StandardCharsets.US_ASCII));

        Map<String, Object> row = awaitRow(id);
        assertThat(row.get("body")).isNull();
        assertThat((String) row.get("body_ref")).startsWith("file:").endsWith("/" + id + ".eml");
        Path blob = new BlobFiles(TestGateway.dataDir().resolve("blobs")).resolve((String) row.get("body_ref"));
        assertThat(Files.readAllBytes(blob)).isEqualTo(withoutReturnPath(awaitMaildir(rcpt)));
        assertThat(row.get("subject")).isEqualTo("big");
    }

    @Test
    void should_keep_one_row_when_the_same_message_is_delivered_twice() throws Exception {
        SqlStore store = TestGateway.camel().getRegistry().lookupByNameAndType("sqlStore", SqlStore.class);
        String id = "REDELIVERED" + System.nanoTime();
        for (int attempt = 0; attempt < 2; attempt++) {
            Exchange exchange = new DefaultExchange(TestGateway.camel());
            exchange.getIn().setHeader(MailHeaders.QUEUE_ID, id);
            exchange.getIn().setHeader(MailHeaders.RECEIVED_AT, System.currentTimeMillis());
            io.mailgateway.testing.Envelopes.headers("s@example.org", java.util.List.of(), java.util.List.of("r@example.com"))
                    .forEach(exchange.getIn()::setHeader);
            exchange.getIn().setHeader("JMSRedelivered", attempt > 0);
            exchange.getIn().setBody("Subject: twice\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
            store.process(exchange);
        }
        assertThat(SqlTestSupport.count(TestGateway.sqlDataSource(), "SELECT COUNT(*) FROM messages WHERE queue_id = '" + id + "'"))
                .isEqualTo(1);
    }

    private static String send(String from, String rcpt, byte[] message) throws Exception {
        byte[] data = new String(message, StandardCharsets.ISO_8859_1).replace("\r\n.", "\r\n..")
                .concat(".\r\n").getBytes(StandardCharsets.ISO_8859_1);
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            return c.sendMail(from, List.of(rcpt), data);
        }
    }

    private static Map<String, Object> awaitRow(String queueId) {
        DataSource ds = TestGateway.sqlDataSource();
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT * FROM messages WHERE queue_id = ?")) {
                ps.setString(1, queueId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        String name = rs.getMetaData().getColumnName(i).toLowerCase();
                        row.put(name, name.equals("body") ? rs.getBytes(i) : rs.getObject(i));
                    }
                    return row;
                }
            }
        }, r -> r != null);
    }

    private static byte[] awaitMaildir(String rcpt) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> TestGateway.newMail(rcpt).size() == 1);
        return Files.readAllBytes(TestGateway.newMail(rcpt).get(0));
    }

    private static byte[] withoutReturnPath(byte[] maildirCopy) {
        String start = new String(maildirCopy, 0, Math.min(200, maildirCopy.length), StandardCharsets.ISO_8859_1);
        assertThat(start).startsWith("Return-Path: ");
        return Arrays.copyOfRange(maildirCopy, start.indexOf("\r\n") + 2, maildirCopy.length);
    }
}
