package io.mailgateway.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Views over one stored message: prepended trace headers and a replaced head, the body never copied. */
class MessageContentTest {

    private static final String RECEIVED = "A-R: forged\r\nFrom: a@example.org\r\n\r\nbody\r\n";

    private static String read(InputStream in) throws Exception {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static void check(MessageContent original) throws Exception {
        MessageContent view = original.withReceivedHead(13, new byte[0])
                .withPrefix("Auth: ours\r\n".getBytes(StandardCharsets.US_ASCII))
                .withPrefix("Received: x\r\n".getBytes(StandardCharsets.US_ASCII));
        String whole = "Received: x\r\nAuth: ours\r\nFrom: a@example.org\r\n\r\nbody\r\n";
        assertThat(read(view.openStream())).isEqualTo(whole);
        assertThat(view.size()).isEqualTo(whole.length());
        assertThat(read(view.openReceived())).isEqualTo("From: a@example.org\r\n\r\nbody\r\n");
        assertThat(read(original.openStream())).as("the original view is unchanged").isEqualTo(RECEIVED);
        assertThatThrownBy(() -> view.withReceivedHead(1, new byte[0])).isInstanceOf(IllegalArgumentException.class);

        MessageContent rewritten = original.withReceivedHead(13, "X: 1\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(read(rewritten.openReceived())).isEqualTo("X: 1\r\nFrom: a@example.org\r\n\r\nbody\r\n");

        // the route's conversion to byte[] (the broker write, the stores): the whole view, as openStream reads it
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            MessageContentConverters.register(camel);
            assertThat(new String(camel.getTypeConverter().mandatoryConvertTo(byte[].class, view), StandardCharsets.US_ASCII))
                    .isEqualTo(whole);
            assertThat(new String(camel.getTypeConverter().mandatoryConvertTo(byte[].class, rewritten), StandardCharsets.US_ASCII))
                    .isEqualTo("X: 1\r\nFrom: a@example.org\r\n\r\nbody\r\n");
        }
    }

    @Test
    void should_replace_the_head_of_a_buffered_message() throws Exception {
        MessageContent content = MessageContent.inBuffer(Unpooled.copiedBuffer(RECEIVED, StandardCharsets.US_ASCII));
        try {
            check(content);
        } finally {
            content.release();
        }
    }

    @Test
    void should_replace_the_head_of_a_spooled_message(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.eml");
        Files.writeString(file, RECEIVED, StandardCharsets.US_ASCII);
        MessageContent content = MessageContent.inSpoolFile(file, RECEIVED.length());
        check(content);
        content.release();
        assertThat(file).doesNotExist();
    }
}
