package io.mailgateway.policy.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** RFC 6376 3.4.6 examples, plus the body corner cases of 3.4.3/3.4.4, fed in awkward pieces. */
class CanonicalizationTest {

    /** RFC 6376 3.4.6: "A: <SP> X <CRLF> B <SP> : <SP> Y <HTAB><CRLF> <HTAB> Z <SP><SP><CRLF> <CRLF> ..." */
    private static final String EXAMPLE = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

    /** A digest that returns the octets it was given, to see the canonical body itself. */
    private static final class Capture extends MessageDigest {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Capture() {
            super("capture");
        }

        @Override
        protected void engineUpdate(byte input) {
            out.write(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            out.write(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            return out.toByteArray();
        }

        @Override
        protected void engineReset() {
            out.reset();
        }
    }

    static String body(Canonicalization c, String body, long limit, int pieceSize) {
        BodyHasher h = new BodyHasher(c, new Capture(), limit);
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i += pieceSize) {
            h.update(b, i, Math.min(pieceSize, b.length - i));
        }
        return new String(h.finish(), StandardCharsets.ISO_8859_1);
    }

    private static String headers(Canonicalization c, String message) throws Exception {
        HeaderSection hs = HeaderSection.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)), 1 << 20);
        return hs.fields.stream().map(f -> c.header(f.raw())).collect(Collectors.joining());
    }

    private static String bodyOf(String message) {
        return message.substring(message.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void rfc6376_3_4_6_relaxed() throws Exception {
        assertThat(headers(Canonicalization.RELAXED, EXAMPLE)).isEqualTo("a:X\r\nb:Y Z\r\n");
        for (int piece : new int[] {1, 2, 3, 7, 1000}) {
            assertThat(body(Canonicalization.RELAXED, bodyOf(EXAMPLE), -1, piece)).isEqualTo(" C\r\nD E\r\n");
        }
    }

    @Test
    void rfc6376_3_4_6_simple() throws Exception {
        assertThat(headers(Canonicalization.SIMPLE, EXAMPLE)).isEqualTo("A: X\r\nB : Y\t\r\n\tZ  \r\n");
        for (int piece : new int[] {1, 2, 3, 7, 1000}) {
            assertThat(body(Canonicalization.SIMPLE, bodyOf(EXAMPLE), -1, piece)).isEqualTo(" C \r\nD \t E\r\n");
        }
    }

    @Test
    void empty_bodies_and_missing_final_line_end() {
        assertThat(body(Canonicalization.SIMPLE, "", -1, 10)).isEqualTo("\r\n");
        assertThat(body(Canonicalization.RELAXED, "", -1, 10)).isEqualTo("");
        assertThat(body(Canonicalization.SIMPLE, "\r\n\r\n", -1, 1)).isEqualTo("\r\n");
        assertThat(body(Canonicalization.RELAXED, " \t\r\n\r\n", -1, 1)).isEqualTo("");
        assertThat(body(Canonicalization.SIMPLE, "abc", -1, 1)).isEqualTo("abc\r\n");
        assertThat(body(Canonicalization.RELAXED, "abc  ", -1, 1)).isEqualTo("abc\r\n");
        assertThat(body(Canonicalization.SIMPLE, "a\r\n\r\n\r\nb\r\n\r\n", -1, 2)).isEqualTo("a\r\n\r\n\r\nb\r\n");
        assertThat(body(Canonicalization.SIMPLE, "a\rb\r\n", -1, 1)).as("a lone CR is content").isEqualTo("a\rb\r\n");
    }

    @Test
    void body_length_limit_counts_canonical_octets() {
        BodyHasher h = new BodyHasher(Canonicalization.RELAXED, new Capture(), 4);
        byte[] b = "ab   c\r\nmore\r\n".getBytes(StandardCharsets.US_ASCII);
        h.update(b, 0, b.length);
        assertThat(new String(h.finish(), StandardCharsets.US_ASCII)).isEqualTo("ab c");
        assertThat(h.canonicalLength()).isEqualTo("ab c\r\nmore\r\n".length());
    }

    @Test
    void b_value_removed_but_bh_kept() {
        String f = "DKIM-Signature: v=1; bh=abc=;\r\n b=xy\r\n z=; d=a.test\r\n";
        assertThat(DkimCrypto.withoutB(f)).isEqualTo("DKIM-Signature: v=1; bh=abc=;\r\n b=; d=a.test\r\n");
        assertThat(DkimCrypto.withoutB("DKIM-Signature: d=a; b = xy\r\n z\r\n")).isEqualTo("DKIM-Signature: d=a; b =\r\n");
    }
}
