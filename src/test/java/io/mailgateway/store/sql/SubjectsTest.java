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
    void should_give_null_without_a_subject_header() {
        assertThat(subjectOf("From: a@b\r\n\r\nSubject: not a header\r\n")).isNull();
    }
}
