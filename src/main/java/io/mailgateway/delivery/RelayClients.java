package io.mailgateway.delivery;

import io.mailgateway.config.GatewayConfig;

/**
 * Makes the gateway's {@link RelayClient}. INTERIM: the SMTP client of the relay work is not in
 * this build yet; the class named by the system property {@value #CLASS_PROPERTY} (public,
 * no-argument constructor; the tests name a blocking-socket client) is used when given, else
 * {@link UnavailableRelayClient}, which keeps relayed mail queued.
 */
public final class RelayClients {

    public static final String CLASS_PROPERTY = "mailgateway.relay.client";

    private RelayClients() {
    }

    public static RelayClient create(GatewayConfig config) {
        String name = System.getProperty(CLASS_PROPERTY);
        if (name == null || name.isBlank()) {
            return new UnavailableRelayClient();
        }
        try {
            return (RelayClient) Class.forName(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot make the relay client " + name + ": " + e, e);
        }
    }
}
