package io.mailgateway.policy.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.policy.limits.ManualClock;
import io.mailgateway.policy.scan.CircuitBreaker.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The breaker on a manual clock: time moves only when the test says so. */
class CircuitBreakerTest {

    private final ManualClock clock = new ManualClock();
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), clock);

    @Test
    void should_open_after_n_consecutive_failures_and_refuse_at_once_during_the_cool_down() {
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.failure()).isFalse();
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.failure()).isFalse();
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.failure()).as("the third consecutive failure opens it").isTrue();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(29));
        assertThat(breaker.tryAcquire()).isFalse();
    }

    @Test
    void should_count_only_consecutive_failures() {
        breaker.failure();
        breaker.failure();
        breaker.success();
        breaker.failure();
        breaker.failure();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void should_let_one_probe_through_after_the_cool_down_and_close_on_its_success() {
        open();
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).as("the probe").isTrue();
        assertThat(breaker.tryAcquire()).as("a second caller while the probe runs").isFalse();
        breaker.success();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void should_reopen_for_a_whole_cool_down_when_the_probe_fails() {
        open();
        clock.advance(Duration.ofSeconds(31));
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.failure()).as("a failed probe reopens it").isTrue();
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(29));
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire()).isTrue();
    }

    private void open() {
        for (int i = 0; i < 3; i++) {
            breaker.tryAcquire();
            breaker.failure();
        }
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }
}
