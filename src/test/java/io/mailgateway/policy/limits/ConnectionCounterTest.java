package io.mailgateway.policy.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionCounterTest {

    private static final ClientKey A = new ClientKey(false, 1);
    private static final ClientKey B = new ClientKey(false, 2);

    @Test
    void should_cap_per_client_and_in_total_and_forget_clients_with_no_connection() {
        ConnectionCounter c = new ConnectionCounter(3, 2);
        assertThat(c.acquire(A)).isEqualTo(ConnectionCounter.Verdict.OK);
        assertThat(c.acquire(A)).isEqualTo(ConnectionCounter.Verdict.OK);
        assertThat(c.acquire(A)).isEqualTo(ConnectionCounter.Verdict.PER_CLIENT);
        assertThat(c.openFrom(A)).isEqualTo(2);
        assertThat(c.acquire(B)).isEqualTo(ConnectionCounter.Verdict.OK);
        assertThat(c.acquire(null)).as("exempt clients still count in the total").isEqualTo(ConnectionCounter.Verdict.TOTAL);
        assertThat(c.open()).isEqualTo(3);
        c.release(A);
        c.release(A);
        c.release(B);
        assertThat(c.open()).isZero();
        assertThat(c.clients()).isZero();
    }

    @Test
    void should_not_cap_per_client_when_the_cap_is_zero() {
        ConnectionCounter c = new ConnectionCounter(100, 0);
        for (int i = 0; i < 100; i++) {
            assertThat(c.acquire(A)).isEqualTo(ConnectionCounter.Verdict.OK);
        }
        assertThat(c.acquire(A)).isEqualTo(ConnectionCounter.Verdict.TOTAL);
        assertThat(c.clients()).isZero();
    }
}
