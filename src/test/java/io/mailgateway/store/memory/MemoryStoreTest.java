package io.mailgateway.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MemoryStoreTest {

    @Test
    void should_keep_at_most_max_messages_and_evict_the_oldest_first() {
        MemoryStore store = new MemoryStore(3);
        for (int i = 1; i <= 5; i++) {
            store.put("Q" + i, ("message " + i).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.get("Q1")).isNull();
        assertThat(store.get("Q2")).isNull();
        assertThat(new String(store.get("Q5"), StandardCharsets.UTF_8)).isEqualTo("message 5");
        store.get("Q3"); // reading does not make an entry younger: eviction is by arrival
        store.put("Q6", new byte[0]);
        assertThat(store.get("Q3")).isNull();
        assertThat(store.get("Q4")).isNotNull();
    }

    @Test
    void should_replace_a_redelivered_message_without_growing() {
        MemoryStore store = new MemoryStore(2);
        store.put("Q1", new byte[] {1});
        store.put("Q1", new byte[] {2});
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.get("Q1")).containsExactly(2);
    }
}
