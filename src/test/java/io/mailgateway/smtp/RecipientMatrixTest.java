package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile and unusual recipients over SMTP, against the whole gateway: each is refused at RCPT
 * with a precise reply, or accepted and then stored in exactly the mailbox it names (or relayed
 * under exactly the address it names); none is accepted and then failed by a store. The table of
 * what happened is written to target/recipient-matrix.md.
 */
@ExtendWith(TestGateway.class)
class RecipientMatrixTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> TABLE = new ArrayList<>();

    /** {@code %u} in a recipient stands for a fresh user name, so the cases never share a mailbox. */
    private record Case(String rcpt, boolean smtpUtf8, int code, String status, String mailbox, String relayedAs) {
        static Case refused(String rcpt, int code, String status) {
            return new Case(rcpt, true, code, status, null, null);
        }

        static Case stored(String rcpt, String mailbox) {
            return new Case(rcpt, true, 250, "2.1.5", mailbox, null);
        }

        static Case relayed(String rcpt, String as) {
            return new Case(rcpt, true, 250, "2.1.5", null, as);
        }
    }

    @Test
    void should_refuse_at_rcpt_or_store_in_exactly_the_named_mailbox() throws Exception {
        List<Case> cases = List.of(
                Case.refused("\"a,b\"@example.com", 553, "5.1.3"),
                Case.refused("\"x,victim@gmail.com> ORCPT=rfc822;a@relay.test,\"@example.com", 553, "5.1.3"),
                Case.refused("\"%u x\"@example.com", 553, "5.1.3"),
                Case.refused("\"%u<x>\"@example.com", 553, "5.1.3"),
                Case.refused("\"%u@x\"@example.com", 553, "5.1.3"),
                Case.stored("\"%u\"@example.com", "example.com/%u"),
                Case.stored("%u@example.com", "example.com/%u"),
                Case.stored("%U@EXAMPLE.COM", "example.com/%u"),
                Case.refused("%u%other.test@example.com", 553, "5.1.3"),
                Case.refused("other.test!%u@example.com", 553, "5.1.3"),
                Case.refused("%u/x@example.com", 553, "5.1.3"),
                Case.refused("..%u@example.com", 501, "5.1.3"),
                Case.stored("@relay.test,@other.test:%u@example.com", "example.com/%u"),
                Case.refused("%u.@example.com", 501, "5.1.3"),
                Case.refused("\"%u.\"@example.com", 553, "5.1.3"),
                Case.refused("%u@example.com.", 501, "5.1.3"),
                Case.refused("%u@@example.com", 501, "5.1.3"),
                Case.refused("%u@nowhere.test", 550, "5.7.1"),
                // Unicode: a Cyrillic 'о' is another mailbox than the Latin 'o'; NFD input lands in the NFC name
                Case.stored("b\u043Eb%u@example.com", "example.com/b\u043Eb%u"),
                Case.stored("jose\u0301%u@example.com", "example.com/jos\u00E9%u"),
                Case.stored("\u00C9mile%u@example.com", "example.com/\u00C9mile%u"), // no case folding beyond ASCII
                Case.refused("%u\u202Eevil@example.com", 553, "5.1.3"), // bidi override
                Case.refused("%u\u200B@example.com", 553, "5.1.3"), // zero-width space
                new Case("bob\u00E9%u@example.com", false, 553, "5.6.7", null, null), // UTF-8 without SMTPUTF8
                Case.stored("%64@example.com", "example.com/%64"), // RFC 5321 4.5.3.1.1: 64 octets
                Case.refused("%65@example.com", 501, "5.1.3"),
                Case.refused("\u00E9%63@example.com", 501, "5.1.3"), // 64 characters, 65 octets
                Case.refused("%u@" + "d".repeat(63) + "." + "d".repeat(63) + "." + "d".repeat(63) + "." + "d".repeat(61) + ".example.com", 501, "5.1.3"),
                // the percent hack through a relayed domain, unauthenticated: a next hop may honour it (RFC 2505 2.9)
                Case.refused("%u%x@relay.test", 550, "5.7.1"),
                Case.relayed("\"%u\"@relay.test", "%u@relay.test"),
                Case.refused("\"%u y\"@relay.test", 553, "5.1.3"));
        for (Case c : cases) {
            run(c);
        }
        // Nothing was accepted that a store could not store: every store queue drains.
        for (String store : List.of("maildir", "sql", "s3", "archive", "memory")) {
            await(store + " queue drained").atMost(WAIT).until(() -> TestGateway.gateway().broker().depth(store) == 0);
        }
    }

    @Test
    void should_keep_one_copy_when_two_forms_name_the_same_mailbox() throws Exception {
        String user = TestGateway.uniqueUser("same");
        String id;
        try (SmtpTestClient s = SmtpTestClient.connectEhlo(TestGateway.port())) {
            id = s.sendMail("sender@example.org", List.of("\"" + user + "\"@example.com", user + "@EXAMPLE.com", user.toUpperCase() + "@example.com"),
                    ("Subject: once\r\n\r\nonce\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        storedIn("example.com/" + user, id);
        Path newDir = TestGateway.maildir().resolve("example.com").resolve(user).resolve("new");
        await("no second copy").during(Duration.ofMillis(500)).atMost(WAIT)
                .until(() -> files(newDir).stream().filter(f -> f.contains(id)).count() == 1);
    }

    private void run(Case c) throws Exception {
        String user = TestGateway.uniqueUser("mtx");
        String rcpt = fill(c.rcpt(), user);
        try (SmtpTestClient s = SmtpTestClient.connectEhlo(TestGateway.port())) {
            s.send("MAIL FROM:<sender@example.org>" + (c.smtpUtf8() ? " SMTPUTF8" : "")).expect(250);
            SmtpTestClient.Reply reply = s.send("RCPT TO:<" + rcpt + ">").read();
            assertThat(reply.code()).as("RCPT TO:<%s>: %s", rcpt, reply).isEqualTo(c.code());
            assertThat(reply.status()).as("RCPT TO:<%s>: %s", rcpt, reply).isEqualTo(c.status());
            String where = "refused";
            if (c.code() == 250) {
                s.send("DATA").expect(354);
                s.sendRaw(("Subject: matrix " + user + "\r\n\r\nto " + rcpt + "\r\n.\r\n").getBytes(StandardCharsets.UTF_8));
                String id = SmtpTestClient.queueId(s.expect(250, "2.0.0"));
                where = c.mailbox() != null ? storedIn(fill(c.mailbox(), user), id) : relayedAs(fill(c.relayedAs(), user), id);
            }
            TABLE.add("| `RCPT TO:<" + visible(rcpt).replace("|", "\\|") + ">`" + (c.smtpUtf8() ? "" : " (no SMTPUTF8)")
                    + " | " + reply.code() + " " + reply.status() + " | " + visible(where) + " |");
        }
    }

    private static String storedIn(String mailbox, String id) throws IOException {
        Path newDir = TestGateway.maildir().resolve(mailbox).resolve("new");
        await("message " + id + " in " + newDir).atMost(WAIT).until(() -> files(newDir).stream().anyMatch(f -> f.contains(id)));
        return "`maildir/" + mailbox + "/new/`";
    }

    private static String relayedAs(String address, String id) {
        await("message " + id + " relayed to " + address).atMost(WAIT)
                .until(() -> TestGateway.nextHop().messagesFor(address).stream()
                        .anyMatch(m -> new String(m.data(), StandardCharsets.UTF_8).contains(" id " + id)));
        return "relayed as `RCPT TO:<" + address + ">`";
    }

    /** %u → the case's user (%U upper case); %63, %64, %65 → the user padded with 'l' to that many characters. */
    private static String fill(String template, String user) {
        for (int n : new int[] {63, 64, 65}) {
            template = template.replace("%" + n, user + "l".repeat(n - user.length()));
        }
        return template.replace("%U", user.toUpperCase()).replace("%u", user);
    }

    /** Non-ASCII as \\uXXXX, so look-alikes, NFD and invisible characters show in the table. */
    private static String visible(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c < 128 ? String.valueOf((char) c) : String.format("\\u%04X", c)));
        return b.toString();
    }

    private static List<String> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @AfterAll
    static void writeTable() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("| input | reply | where it ended up |");
        lines.add("| --- | --- | --- |");
        lines.addAll(TABLE);
        Files.write(Path.of("target", "recipient-matrix.md"), lines, StandardCharsets.UTF_8);
    }
}
