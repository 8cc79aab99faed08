package io.mailgateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzing the listener's real pipeline (frame decoder, session handler, commands) without a
 * socket ({@link EmbeddedSmtpSession}), input split at every size from one octet up. jqwik
 * draws the inputs (a bounded number of tries, junit-platform.properties) and shrinks a failure
 * to a small case. Properties:
 * <ul>
 *   <li>any bytes: every reply is well formed (code, separator, enhanced status of the same
 *       class), the handler never fails, no input buffer leaks;</li>
 *   <li>DATA: any body, dot-stuffed as RFC 5321 4.5.2 says, arrives exactly as it was;</li>
 *   <li>BDAT: any body, cut into any chunks (RFC 3030), arrives exactly as it was;</li>
 *   <li>no smuggling: bare LF or CR around a dot never ends DATA, so commands hidden behind
 *       {@code LF.CRLF}, {@code LF.LF}, {@code CR.CR} stay part of the one message.</li>
 * </ul>
 */
class SmtpFuzzTest {

    private static final Pattern REPLY_LINE = Pattern.compile("([2-5][0-9][0-9])([ -])(.*)");
    private static final Pattern ENHANCED = Pattern.compile("([245])\\.[0-9]{1,3}\\.[0-9]{1,3}( .*)?");
    private static final String ENVELOPE = "EHLO fuzz.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\n";

    @Property(tries = 500)
    void any_input_gets_well_formed_replies_and_neither_fails_nor_leaks(@ForAll("sessions") byte[] input,
                                                                         @ForAll @IntRange(min = 1, max = 700) int piece) {
        EmbeddedSmtpSession session = run(input, piece);

        assertThat(session.replies()).as("replies end in CRLF").matches("(?s)(.*\r\n)?");
        String previousCode = null;
        for (String line : session.replyLines()) {
            Matcher m = REPLY_LINE.matcher(line);
            assertThat(m.matches()).as("reply line '%s'", line).isTrue();
            String code = m.group(1);
            if (previousCode != null) {
                assertThat(code).as("continuation of a %s reply", previousCode).isEqualTo(previousCode);
            }
            previousCode = m.group(2).equals("-") ? code : null;
            Matcher status = ENHANCED.matcher(m.group(3));
            if (code.charAt(0) != '3' && status.matches()) {
                assertThat(status.group(1)).as("enhanced status class of '%s'", line).isEqualTo(code.substring(0, 1));
            }
        }
        assertThat(previousCode).as("last reply complete").isNull();
        assertThat(session.sessionFailures()).as("exceptions caught by the session").isZero();
        assertThat(session.unreleasedInput()).as("input buffers not released").isZero();
    }

    @Property(tries = 500)
    void any_body_dot_stuffed_arrives_unchanged_through_data(@ForAll("bodies") byte[] body,
                                                             @ForAll @IntRange(min = 1, max = 512) int piece) {
        byte[] expected = endingInCrlf(body);

        List<byte[]> messages = receive(dataTransaction(expected), piece);

        assertThat(messages).hasSize(1);
        assertThat(messages.get(0)).isEqualTo(expected);
    }

    @Property(tries = 500)
    void any_body_in_any_bdat_chunks_arrives_unchanged(@ForAll("bodies") byte[] body,
                                                        @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 300) Integer> cuts,
                                                        @ForAll @IntRange(min = 1, max = 512) int piece) {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes(ENVELOPE.getBytes(StandardCharsets.US_ASCII));
        int at = 0;
        for (int cut : cuts) {
            int length = Math.min(cut, body.length - at);
            input.writeBytes(("BDAT " + length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            input.write(body, at, length);
            at += length;
        }
        input.writeBytes(("BDAT " + (body.length - at) + " LAST\r\n").getBytes(StandardCharsets.US_ASCII));
        input.write(body, at, body.length - at);
        input.writeBytes("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));

        List<byte[]> messages = receive(input.toByteArray(), piece);

        assertThat(messages).hasSize(1);
        assertThat(messages.get(0)).isEqualTo(body);
    }

    @Property(tries = 500)
    void bare_lf_or_cr_around_a_dot_never_ends_data_early(@ForAll("smuggling") byte[] body,
                                                          @ForAll @IntRange(min = 1, max = 512) int piece) {
        byte[] expected = endingInCrlf(body);

        EmbeddedSmtpSession session = run(dataTransaction(expected), piece);

        assertThat(session.messages()).as("messages").hasSize(1);
        assertThat(session.messages().get(0)).isEqualTo(expected);
        // 220, EHLO, MAIL, RCPT, 354, one 250 for the one message, 221: nothing hidden was run
        assertThat(session.replyLines().stream().filter(l -> l.matches("[2-5][0-9][0-9] .*")).map(l -> l.substring(0, 3)))
                .containsExactly("220", "250", "250", "250", "354", "250", "221");
    }

    /** Random bytes, and runs of SMTP commands, dots and line ends glued together, in any order. */
    @Provide
    Arbitrary<byte[]> sessions() {
        Arbitrary<String> commands = Arbitraries.of("EHLO fuzz.test\r\n", "HELO fuzz.test\r\n", "MAIL FROM:<a@example.org>\r\n",
                "MAIL FROM:<>\r\n", "MAIL FROM:<a@example.org> SIZE=99999999999 BODY=8BITMIME\r\n", "RCPT TO:<b@example.com>\r\n",
                "RCPT TO:<c@elsewhere.test>\r\n", "RCPT TO:<\"q,uoted\"@example.com>\r\n", "DATA\r\n", "BDAT 0\r\n",
                "BDAT 7\r\n", "BDAT 3 LAST\r\n", "BDAT 99999999999999999999\r\n", "BDAT x\r\n", ".\r\n", "..\r\n",
                "\r\n.\r\n", "\n.\n", "\r.\r", "\n.\r\n", "RSET\r\n", "NOOP\r\n", "VRFY b\r\n", "STARTTLS\r\n",
                "AUTH PLAIN\r\n", "AUTH PLAIN AGFAYg==\r\n", "*\r\n", "\0", "\r", "\n", "\r\n", "QUIT\r\n");
        Arbitrary<String> junk = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> longLine = Arbitraries.strings().withCharRange('!', '~').ofMinLength(500).ofMaxLength(1100)
                .map(s -> s + "\r\n");
        Arbitrary<byte[]> fragments = Arbitraries.frequencyOf(Tuple.of(10, commands), Tuple.of(2, junk), Tuple.of(1, longLine))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        return fragments.list().ofMaxSize(40).map(SmtpFuzzTest::concat);
    }

    /** Bodies made of text, dots, CR, LF and CRLF in any order, or plain random octets. */
    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> pieces = Arbitraries.oneOf(
                Arbitraries.of(".", "..", "\r\n", "\r", "\n", ".\r\n", "\r\n.", "From x\r\n", "Subject: s\r\n", "text")
                        .map(s -> s.getBytes(StandardCharsets.US_ASCII)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64));
        return pieces.list().ofMaxSize(60).map(SmtpFuzzTest::concat);
    }

    /** Bodies with bare LF / CR dot sequences and commands behind them: smuggling attempts. */
    @Provide
    Arbitrary<byte[]> smuggling() {
        return Arbitraries.of("\n.\r\n", "\n.\n", "\r.\r", "\r\n.\n", "\n.\r", ".\n", "\r\n.\r",
                        "MAIL FROM:<evil@example.org>\r\n", "RCPT TO:<b@example.com>\r\n", "DATA\r\n", "RSET\r\n",
                        "QUIT\r\n", "Subject: s\r\n", "text", "\r\n")
                .list().ofMaxSize(30).map(parts -> String.join("", parts).getBytes(StandardCharsets.US_ASCII))
                .filter(b -> !new String(b, StandardCharsets.ISO_8859_1).contains("\r\n.\r\n")
                        && !new String(b, StandardCharsets.ISO_8859_1).startsWith(".\r\n"));
    }

    /** A whole session over {@code input}, closed at its end. */
    private static EmbeddedSmtpSession run(byte[] input, int piece) {
        EmbeddedSmtpSession session = new EmbeddedSmtpSession();
        try {
            session.feed(input, piece);
        } finally {
            session.close();
        }
        return session;
    }

    /** One transaction with {@code body} (ending in CRLF) sent by DATA, dot-stuffed, then QUIT. */
    private static byte[] dataTransaction(byte[] body) {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes((ENVELOPE + "DATA\r\n").getBytes(StandardCharsets.US_ASCII));
        input.writeBytes(dotStuffed(body));
        input.writeBytes(".\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        return input.toByteArray();
    }

    private static List<byte[]> receive(byte[] input, int piece) {
        EmbeddedSmtpSession session = run(input, piece);
        assertThat(session.sessionFailures()).isZero();
        assertThat(session.unreleasedInput()).isZero();
        return session.messages();
    }

    /** What a client sends for {@code body}: CRLF appended unless it ends so (or is empty). */
    private static byte[] endingInCrlf(byte[] body) {
        int n = body.length;
        if (n == 0 || (n >= 2 && body[n - 2] == '\r' && body[n - 1] == '\n')) {
            return body;
        }
        byte[] out = java.util.Arrays.copyOf(body, n + 2);
        out[n] = '\r';
        out[n + 1] = '\n';
        return out;
    }

    /** RFC 5321 4.5.2: a dot that starts a line (after CRLF, or first) is doubled. */
    private static byte[] dotStuffed(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
        boolean lineStart = true;
        boolean afterCr = false;
        for (byte b : body) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = afterCr && b == '\n';
            afterCr = b == '\r';
        }
        return out.toByteArray();
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
