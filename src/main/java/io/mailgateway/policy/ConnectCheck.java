package io.mailgateway.policy;

/**
 * A check at connect, before the greeting. A refusal is answered instead of the greeting and the
 * connection is closed (RFC 5321 3.1: 421 or 554, then close).
 */
public interface ConnectCheck {

    Verdict onConnect(Connection client);

    /**
     * Called once at the end of every connection this check accepted, even when a later check
     * refused it: where a check gives back what it counted (e.g. the connection caps).
     */
    default void onDisconnect(Connection client) {
    }
}
