package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A large delivery body is held in a spool file; a body stream that fails part way leaves no file behind. */
class HeldBodiesTest {

    @TempDir
    Path spool;

    @Test
    void should_delete_the_spool_copy_when_the_brokers_stream_fails_with_a_runtime_exception() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setBody(new FailingStream(HeldBodies.IN_MEMORY_LIMIT * 3L));

            assertThatThrownBy(() -> HeldBodies.hold(exchange, spool, "Q1")).isInstanceOf(IllegalStateException.class);

            try (var files = Files.list(spool)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void should_hold_a_large_body_in_a_spool_file() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            byte[] body = new byte[HeldBodies.IN_MEMORY_LIMIT * 2];
            Arrays.fill(body, (byte) 'x');
            exchange.getIn().setBody(new java.io.ByteArrayInputStream(body));

            var held = HeldBodies.hold(exchange, spool, "Q2");
            try (InputStream in = held.openStream()) {
                assertThat(in.readAllBytes()).isEqualTo(body);
            }
            try (var files = Files.list(spool)) {
                assertThat(files).hasSize(1);
            }
            held.release();
        }
    }

    /** Octets until {@code failAt}, then what the broker's large-message stream throws on a lost chunk. */
    private static final class FailingStream extends InputStream {
        private final long failAt;
        private long read;

        FailingStream(long failAt) {
            this.failAt = failAt;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) { // overridden: InputStream's own swallows exceptions after the first octet
            if (read >= failAt) {
                throw new IllegalStateException("the broker's stream failed");
            }
            int n = (int) Math.min(len, failAt - read);
            Arrays.fill(b, off, off + n, (byte) 'y');
            read += n;
            return n;
        }
    }
}
