package io.mailgateway.broker;

import io.mailgateway.config.GatewayConfig;
import java.util.Map;

/**
 * The address settings of the broker queue "delivery" (broker/broker.xml) from the QUEUE_* keys:
 * the broker's redelivery after a rollback follows the same schedule as the delivery route's own
 * scheduled retries (docs/delivery.md).
 */
public final class DeliverySettings {

    /** What broker.xml gets when the gateway names no values (the QUEUE_* defaults). */
    static final Map<String, String> DEFAULT_BROKER_PROPERTIES = Map.of(
            "mailgateway.delivery.redelivery-delay", "60000",
            "mailgateway.delivery.redelivery-multiplier", "2.0",
            "mailgateway.delivery.max-redelivery-delay", "3600000",
            "mailgateway.delivery.max-delivery-attempts", "130"); // 1 + QUEUE_MAX_RETRIES (129)

    private DeliverySettings() {
    }

    public static Map<String, String> brokerProperties(GatewayConfig config) {
        return Map.of(
                "mailgateway.delivery.redelivery-delay", String.valueOf(config.duration("QUEUE_INITIAL_RETRY_DELAY").toMillis()),
                "mailgateway.delivery.redelivery-multiplier", String.valueOf(config.getDouble("QUEUE_RETRY_BACKOFF")),
                "mailgateway.delivery.max-redelivery-delay", String.valueOf(config.duration("QUEUE_MAX_RETRY_DELAY").toMillis()),
                // Artemis counts deliveries, the first one included; QUEUE_MAX_RETRIES counts retries only
                "mailgateway.delivery.max-delivery-attempts", String.valueOf(1 + config.getInt("QUEUE_MAX_RETRIES")));
    }
}
