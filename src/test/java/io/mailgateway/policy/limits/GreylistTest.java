package io.mailgateway.policy.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GreylistTest {

    private static final Duration DELAY = Duration.ofMinutes(5);
    private static final Duration EXPIRY = Duration.ofHours(4);
    private static final Duration PASS = Duration.ofDays(36);
    private final ManualClock clock = new ManualClock();

    private Greylist greylist(int max, GreylistStore store) {
        return new Greylist(DELAY, EXPIRY, PASS, max, clock, store);
    }

    @Test
    void should_defer_a_new_triplet_then_pass_its_retry_after_the_delay() {
        Greylist g = greylist(1000, null);
        assertThat(g.check("192.0.2.0/24", "a@example.org", "bob@example.com")).isEqualTo(DELAY.toMillis());
        clock.advance(Duration.ofMinutes(2));
        assertThat(g.check("192.0.2.0/24", "a@example.org", "bob@example.com")).as("too early").isEqualTo(Duration.ofMinutes(3).toMillis());
        clock.advance(Duration.ofMinutes(3));
        assertThat(g.check("192.0.2.0/24", "a@example.org", "bob@example.com")).isZero();
        assertThat(g.check("192.0.2.0/24", "A@Example.ORG", "Bob@example.com")).as("case does not matter").isZero();
        assertThat(g.check("192.0.2.0/24", "a@example.org", "carol@example.com")).as("other recipient").isPositive();
        assertThat(g.check("198.51.100.0/24", "a@example.org", "bob@example.com")).as("other network").isPositive();
    }

    @Test
    void should_keep_a_passed_triplet_passing_and_renew_it_on_use() {
        Greylist g = greylist(1000, null);
        g.check("n", "a@x", "b@y");
        clock.advance(DELAY);
        assertThat(g.check("n", "a@x", "b@y")).isZero();
        clock.advance(PASS.minusDays(1));
        assertThat(g.check("n", "a@x", "b@y")).as("renewed").isZero();
        clock.advance(PASS.minusDays(1));
        assertThat(g.check("n", "a@x", "b@y")).isZero();
        clock.advance(PASS.plusSeconds(1));
        assertThat(g.check("n", "a@x", "b@y")).as("unused past its lifetime: new again").isEqualTo(DELAY.toMillis());
    }

    @Test
    void should_start_over_when_the_retry_comes_after_the_expiry() {
        Greylist g = greylist(1000, null);
        g.check("n", "a@x", "b@y");
        clock.advance(EXPIRY.plusSeconds(1));
        assertThat(g.check("n", "a@x", "b@y")).isEqualTo(DELAY.toMillis());
        assertThat(g.cleanup()).isZero();
        clock.advance(EXPIRY.plusSeconds(1));
        assertThat(g.cleanup()).isEqualTo(1);
        assertThat(g.size()).isZero();
    }

    @Test
    void should_key_the_null_sender_on_network_and_recipient() {
        Greylist g = greylist(1000, null);
        assertThat(g.check("n", "", "b@y")).isPositive();
        clock.advance(DELAY);
        assertThat(g.check("n", "", "b@y")).isZero();
        assertThat(g.check("n", "", "c@y")).isPositive();
    }

    @Test
    void should_stay_bounded_and_let_new_triplets_pass_unrecorded_when_full() {
        Greylist g = greylist(100, null);
        for (int i = 0; i < 100_000; i++) {
            long wait = g.check("n" + (i % 1000), "s" + i + "@x", "r@y");
            assertThat(wait).isEqualTo(i < 100 ? DELAY.toMillis() : 0);
        }
        assertThat(g.size()).isEqualTo(100);
        clock.advance(EXPIRY);
        assertThat(g.check("new", "s@x", "r@y")).as("a full table of expired triplets makes room").isEqualTo(DELAY.toMillis());
        assertThat(g.size()).isEqualTo(1);
    }

    @Test
    void should_survive_a_restart_through_its_database(@TempDir Path dir) {
        Path db = dir.resolve("greylist.db");
        Greylist first = greylist(1000, GreylistStore.open(db));
        assertThat(first.check("192.0.2.0/24", "a@x", "b@y")).isPositive();
        assertThat(first.check("192.0.2.0/24", "a@x", "c@y")).isPositive();
        clock.advance(DELAY);
        assertThat(first.check("192.0.2.0/24", "a@x", "c@y")).isZero();
        first.close();

        clock.advance(Duration.ofSeconds(1));
        Greylist second = greylist(1000, GreylistStore.open(db));
        assertThat(second.size()).isEqualTo(2);
        assertThat(second.check("192.0.2.0/24", "a@x", "b@y")).as("first seen before the restart, delay passed").isZero();
        assertThat(second.check("192.0.2.0/24", "a@x", "c@y")).as("passed before the restart").isZero();
        assertThat(second.check("192.0.2.0/24", "a@x", "d@y")).isPositive();
        clock.advance(EXPIRY.plusSeconds(1));
        assertThat(second.cleanup()).as("d@y expired").isEqualTo(1);
        second.close();

        Greylist third = greylist(1000, GreylistStore.open(db));
        assertThat(third.size()).as("expired rows are gone from the file too").isEqualTo(2);
        third.close();
    }
}
