package io.mailgateway.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SubjectsTest {

    private static String subjectOf(String headers) {
        return Subjects.of(headers.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_decode_encoded_words_and_unfold() {
        assertThat(subjectOf("From: a@b\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n =?ISO-8859-1?B?5A==?= end\r\n\r\nbody"))
                .isEqualTo("Grüßeä end");
    }

    @Test
    void should_drop_control_characters_that_a_database_would_refuse() {
        assertThat(subjectOf("Subject: a=?UTF-8?B?AAE=?=b\r\n\r\n")).isEqualTo("ab");
    }

    @Test
    void should_read_only_the_header_section_of_a_whole_message() {
        byte[] head = "Subject: caf\u00e9\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[70_000];
        java.util.Arrays.fill(body, (byte) 0xff); // not UTF-8 at all, and no header of its own
        byte[] message = new byte[head.length + body.length];
        System.arraycopy(head, 0, message, 0, head.length);
        System.arraycopy(body, 0, message, head.length, body.length);
        assertThat(Subjects.of(message)).isEqualTo("caf\u00e9");
        assertThat(subjectOf("From: a@b\r\nSubject: cut short")).isEqualTo("cut short");
    }

    @Test
    void should_give_null_without_a_subject_header() {
        assertThat(subjectOf("From: a@b\r\n\r\nSubject: not a header\r\n")).isNull();
    }

    @Test
    void should_read_a_subject_folded_tens_of_thousands_of_times() {
        // The whole head the SQL store reads (256 KiB by default) folded every 4 octets: the
        // backtracking pattern this replaced threw StackOverflowError at about 3,000 folds.
        String folded = "x" + "\r\n x".repeat(65_000);
        assertThat(subjectOf("Subject: " + folded + "\r\nFrom: a@b\r\n\r\nbody"))
                .hasSize(Subjects.MAX_LENGTH)
                .startsWith("x x x");
        assertThat(subjectOf("Subject: one\r\n\ttwo\r\nThree: 3\r\n\r\n")).isEqualTo("one\ttwo");
    }
}
