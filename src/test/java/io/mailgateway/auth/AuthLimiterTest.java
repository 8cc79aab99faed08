package io.mailgateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.policy.limits.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthLimiterTest {

    private final ManualClock clock = new ManualClock();
    private final AuthLimiter limiter = new AuthLimiter(5, Duration.ofSeconds(900), Duration.ofSeconds(600),
            Duration.ofSeconds(1), 1000, clock);
    private static final InetAddress A = AuthFixture.address("192.0.2.1");

    @Test
    void should_double_the_delay_with_each_failure_then_block() {
        assertThat(limiter.delayFor(A, "bob@example.com")).isZero();
        assertThat(limiter.recordFailure(A, "bob@example.com").delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(limiter.recordFailure(A, "bob@example.com").delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(limiter.recordFailure(A, "bob@example.com").delay()).isEqualTo(Duration.ofSeconds(4));
        assertThat(limiter.delayFor(A, null)).isEqualTo(Duration.ofSeconds(4));
        assertThat(limiter.recordFailure(A, "bob@example.com").delay()).isEqualTo(Duration.ofSeconds(8));
        assertThat(limiter.blockedFor(A, "bob@example.com")).isEmpty();
        AuthLimiter.Failure fifth = limiter.recordFailure(A, "bob@example.com");
        assertThat(fifth.blockedFor()).contains(Duration.ofSeconds(600));
        assertThat(fifth.blockedScope()).isEqualTo("client");
        assertThat(limiter.blockedFor(A, null)).contains(Duration.ofSeconds(600));
        clock.advance(Duration.ofSeconds(599));
        assertThat(limiter.blockedFor(A, null)).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.blockedFor(A, "bob@example.com")).as("the block has expired").isEmpty();
        assertThat(limiter.delayFor(A, "bob@example.com")).as("and the count started over").isZero();
    }

    @Test
    void should_count_an_account_across_clients() {
        for (int i = 1; i <= 4; i++) {
            assertThat(limiter.recordFailure(AuthFixture.address("198.51.100." + i), "bob@example.com").blockedFor()).isEmpty();
        }
        AuthLimiter.Failure fifth = limiter.recordFailure(AuthFixture.address("198.51.100.5"), "bob@example.com");
        assertThat(fifth.blockedScope()).isEqualTo("account");
        assertThat(limiter.blockedFor(AuthFixture.address("203.0.113.9"), "bob@example.com")).isPresent();
        assertThat(limiter.blockedFor(AuthFixture.address("203.0.113.9"), "alice@example.com")).isEmpty();
    }

    @Test
    void should_count_an_ipv6_slash_64_as_one_client() {
        for (int i = 1; i <= 5; i++) {
            limiter.recordFailure(AuthFixture.address("2001:db8:1:2::" + i), null);
        }
        assertThat(limiter.blockedFor(AuthFixture.address("2001:db8:1:2:ffff::1"), null)).isPresent();
        assertThat(limiter.blockedFor(AuthFixture.address("2001:db8:1:3::1"), null)).isEmpty();
    }

    @Test
    void should_forget_failures_outside_the_window_and_an_account_after_a_success() {
        limiter.recordFailure(A, "bob@example.com");
        limiter.recordFailure(A, "bob@example.com");
        clock.advance(Duration.ofSeconds(901));
        assertThat(limiter.delayFor(A, "bob@example.com")).isZero();
        assertThat(limiter.recordFailure(A, "bob@example.com").delay()).isEqualTo(Duration.ofSeconds(1));
        limiter.recordSuccess("bob@example.com");
        assertThat(limiter.delayFor(AuthFixture.address("192.0.2.2"), "bob@example.com")).isZero();
        assertThat(limiter.delayFor(A, null)).as("the client's failures stay").isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void should_cap_the_delay() {
        AuthLimiter patient = new AuthLimiter(100, Duration.ofSeconds(900), Duration.ofSeconds(600), Duration.ofSeconds(1), 1000, clock);
        for (int i = 0; i < 40; i++) {
            patient.recordFailure(A, null);
        }
        assertThat(patient.delayFor(A, null)).isEqualTo(AuthLimiter.MAX_DELAY);
    }

    @Test
    void should_keep_memory_bounded_and_sweep_idle_entries() {
        AuthLimiter small = new AuthLimiter(5, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(1), 100, clock);
        for (int i = 0; i < 250; i++) {
            small.recordFailure(AuthFixture.address("10.0." + (i / 250) + "." + (i % 250)), null);
        }
        assertThat(small.tracked()).isEqualTo(100);
        clock.advance(Duration.ofSeconds(61));
        small.recordFailure(AuthFixture.address("10.1.0.1"), null);
        assertThat(small.tracked()).as("idle entries swept to make room").isEqualTo(1);
        clock.advance(Duration.ofSeconds(61));
        small.sweep();
        assertThat(small.tracked()).isZero();
    }
}
