package io.mailgateway.message;

/**
 * What the gateway knows of the client that handed a message over.
 *
 * @param address  the client's IP address (textual), "127.0.0.1" for mail the gateway made itself
 * @param helo     the name it gave in HELO/EHLO
 * @param tls      whether TLS protected the session
 * @param authUser the authenticated identity, or null
 */
public record Client(String address, String helo, boolean tls, String authUser) {

    /** The gateway itself, for the mail it originates (DSNs). */
    public static Client local(String hostname) {
        return new Client("127.0.0.1", hostname, false, null);
    }
}
