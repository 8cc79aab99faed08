package io.mailgateway.policy.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;
    private final ManualClock clock = new ManualClock();

    private static ClientKey v4(long n) {
        return new ClientKey(false, n & 0xFFFF_FFFFL);
    }

    @Test
    void should_allow_a_burst_then_refuse_with_the_time_to_the_next_token() {
        RateLimiter limiter = new RateLimiter(60, 5, 1000, clock); // one token a second
        ClientKey client = v4(1);
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire(client)).as("token %d", i).isZero();
        }
        long wait = limiter.tryAcquire(client);
        assertThat(wait).isEqualTo(SECOND);
        assertThat(RateLimiter.retrySeconds(wait)).isEqualTo(1);
        assertThat(limiter.tryAcquire(v4(2))).as("another client has its own bucket").isZero();
    }

    @Test
    void should_refill_at_the_configured_rate_and_never_past_the_burst() {
        RateLimiter limiter = new RateLimiter(6, 2, 1000, clock); // one token per 10 s
        ClientKey client = v4(7);
        assertThat(limiter.tryAcquire(client)).isZero();
        assertThat(limiter.tryAcquire(client)).isZero();
        assertThat(limiter.tryAcquire(client)).isEqualTo(10 * SECOND);
        clock.advance(Duration.ofSeconds(4));
        long wait = limiter.tryAcquire(client);
        assertThat(wait).isEqualTo(6 * SECOND);
        assertThat(RateLimiter.retrySeconds(wait)).isEqualTo(6);
        clock.advance(Duration.ofSeconds(6));
        assertThat(limiter.tryAcquire(client)).as("one token back after 10 s").isZero();
        assertThat(limiter.tryAcquire(client)).isPositive();
        clock.advance(Duration.ofHours(1)); // a long quiet spell refills to the burst, not beyond
        assertThat(limiter.tryAcquire(client)).isZero();
        assertThat(limiter.tryAcquire(client)).isZero();
        assertThat(limiter.tryAcquire(client)).isPositive();
    }

    @Test
    void should_round_retry_hints_up_to_whole_seconds() {
        assertThat(RateLimiter.retrySeconds(1)).isEqualTo(1);
        assertThat(RateLimiter.retrySeconds(SECOND)).isEqualTo(1);
        assertThat(RateLimiter.retrySeconds(SECOND + 1)).isEqualTo(2);
    }

    @Test
    void should_drop_idle_buckets_on_cleanup_and_keep_busy_ones() {
        RateLimiter limiter = new RateLimiter(60, 10, 1000, clock);
        limiter.tryAcquire(v4(1)); // 1 token used: full again after 1 s
        for (int i = 0; i < 10; i++) {
            limiter.tryAcquire(v4(2)); // 10 used: full again after 10 s
        }
        assertThat(limiter.tracked()).isEqualTo(2);
        assertThat(limiter.cleanup()).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(limiter.cleanup()).isEqualTo(1);
        assertThat(limiter.tracked()).isEqualTo(1);
        assertThat(limiter.tryAcquire(v4(2))).as("the busy client kept its state").isZero(); // 2 s refilled 2
        clock.advance(Duration.ofSeconds(60));
        assertThat(limiter.cleanup()).isEqualTo(1);
        assertThat(limiter.tracked()).isZero();
    }

    @Test
    void should_stay_bounded_when_100000_distinct_clients_arrive() {
        int cap = 1000;
        RateLimiter limiter = new RateLimiter(60, 3, cap, clock);
        int refusedNewcomers = 0;
        for (int i = 0; i < 100_000; i++) {
            if (limiter.tryAcquire(v4(0x0A000000L + i)) > 0) {
                refusedNewcomers++;
            }
            if (i % 10_000 == 0) {
                clock.advance(Duration.ofMillis(10)); // a flood: far too fast for any bucket to refill
            }
            assertThat(limiter.tracked()).isLessThanOrEqualTo(cap);
        }
        assertThat(limiter.tracked()).isEqualTo(cap);
        assertThat(limiter.overflowCount()).isEqualTo(100_000 - cap);
        // the newcomers share one overflow bucket: its burst of 3, then refusals
        assertThat(refusedNewcomers).isEqualTo(100_000 - cap - 3);
        // tracked clients keep their own bucket during the flood
        assertThat(limiter.tryAcquire(v4(0x0A000000L))).isZero();
        // once their buckets are full again, a sweep makes room for new clients
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.tryAcquire(v4(0x0B000000L))).isZero();
        assertThat(limiter.tracked()).isEqualTo(1);
    }

    @Test
    void should_hand_out_exactly_the_burst_to_many_threads_at_once() throws Exception {
        RateLimiter limiter = new RateLimiter(1, 5000, 1000, clock); // time stands still: no refill
        ClientKey client = v4(99);
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 2000; i++) {
                    if (limiter.tryAcquire(client) == 0) {
                        granted.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(granted.get()).isEqualTo(5000);
    }
}
