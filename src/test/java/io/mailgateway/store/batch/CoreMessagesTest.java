package io.mailgateway.store.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.client.impl.ClientMessageImpl;
import org.junit.jupiter.api.Test;

/**
 * A store looks for its earlier copy of a message (JMSRedelivered) when the broker counts a
 * redelivery, and also for every message sent before this process started: after a crash the
 * broker may hand a paged message back as a first delivery.
 */
class CoreMessagesTest {

    private static final long STARTED = ManagementFactory.getRuntimeMXBean().getStartTime();

    @Test
    void should_take_a_message_from_before_the_start_as_possibly_seen() {
        assertThat(CoreMessages.mayHaveBeenSeen(message(STARTED - 60_000, 1))).isTrue();
    }

    @Test
    void should_take_a_redelivery_as_possibly_seen_and_a_first_delivery_sent_since_the_start_as_new() {
        long now = System.currentTimeMillis();
        assertThat(CoreMessages.mayHaveBeenSeen(message(now, 2))).isTrue();
        assertThat(CoreMessages.mayHaveBeenSeen(message(now, 1))).isFalse();
    }

    private static ClientMessageImpl message(long timestamp, int deliveryCount) {
        ClientMessageImpl m = new ClientMessageImpl(Message.BYTES_TYPE, true, 0, timestamp, (byte) 4, 64);
        m.setDeliveryCount(deliveryCount);
        return m;
    }
}
