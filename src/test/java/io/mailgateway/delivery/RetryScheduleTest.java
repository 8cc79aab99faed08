package io.mailgateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.config.GatewayConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void should_grow_the_delay_by_the_backoff_up_to_the_cap() {
        RetrySchedule s = RetrySchedule.fromConfig(GatewayConfig.load(Map.of(), new Properties()));
        assertThat(s.delayAfter(1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.delayAfter(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.delayAfter(6)).isEqualTo(Duration.ofMinutes(32));
        assertThat(s.delayAfter(7)).isEqualTo(Duration.ofHours(1));
        assertThat(s.delayAfter(100)).isEqualTo(Duration.ofHours(1));
        assertThat(s.maxAge()).isEqualTo(Duration.ofDays(5));
    }

    @Test
    void should_read_durations_as_seconds_or_with_a_unit() {
        GatewayConfig c = GatewayConfig.load(Map.of("QUEUE_INITIAL_RETRY_DELAY", "0.2", "QUEUE_RETRY_BACKOFF", "1.5",
                "QUEUE_MAX_RETRY_DELAY", "500ms", "QUEUE_MAX_AGE", "2h", "QUEUE_MAX_RETRIES", "3"), new Properties());
        RetrySchedule s = RetrySchedule.fromConfig(c);
        assertThat(s.delayAfter(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(s.delayAfter(2)).isEqualTo(Duration.ofMillis(300));
        assertThat(s.delayAfter(3)).isEqualTo(Duration.ofMillis(450));
        assertThat(s.delayAfter(4)).isEqualTo(Duration.ofMillis(500));
        assertThat(s.maxRetries()).isEqualTo(3);
        assertThat(s.exhausted(3)).as("the first attempt and two retries").isFalse();
        assertThat(s.exhausted(4)).as("the first attempt and three retries").isTrue();
        assertThat(s.expired(0, Duration.ofHours(2).toMillis() - 1)).isFalse();
        assertThat(s.expired(0, Duration.ofHours(2).toMillis())).isTrue();
    }

    @Test
    void should_count_retries_after_the_first_attempt_in_the_schedule_and_the_broker() {
        GatewayConfig none = GatewayConfig.load(Map.of("QUEUE_MAX_RETRIES", "0"), new Properties());
        assertThat(RetrySchedule.fromConfig(none).exhausted(1)).as("the first attempt is the last").isTrue();
        assertThat(io.mailgateway.broker.DeliverySettings.brokerProperties(none))
                .containsEntry("mailgateway.delivery.max-delivery-attempts", "1");
        GatewayConfig defaults = GatewayConfig.load(Map.of(), new Properties());
        assertThat(RetrySchedule.fromConfig(defaults).maxAttempts()).isEqualTo(130);
        assertThat(io.mailgateway.broker.DeliverySettings.brokerProperties(defaults))
                .containsEntry("mailgateway.delivery.max-delivery-attempts", "130");
    }

    @Test
    void should_refuse_a_duration_without_a_known_unit() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayConfig.load(Map.of("QUEUE_MAX_AGE", "5 weeks"), new Properties()))
                .hasMessageStartingWith("QUEUE_MAX_AGE:");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayConfig.load(Map.of("QUEUE_RETRY_BACKOFF", "0.5"), new Properties()))
                .hasMessageStartingWith("QUEUE_RETRY_BACKOFF:");
    }
}
