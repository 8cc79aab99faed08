package io.mailgateway.broker;

import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/**
 * Broker keys (broker/broker.xml holds the rest). Each key: default, meaning (copied into
 * docs/configuration.md) and check.
 */
public final class BrokerKeys implements SettingGroup {

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("BROKER_PORT", "61616",
                        "Administrative port of the embedded broker on 127.0.0.1 only (never BIND_ADDRESS): the queue and dlq commands of the same jar connect to it, logged in with the user and password the gateway generates into $DATA_DIR/broker/admin.credentials (mode 0600) at its first start. 0 turns it off (the commands then cannot reach the gateway).", integer(0, 65535)));
    }
}
