package io.mailgateway.message;

/**
 * What the gateway knows of the client that handed a message over.
 *
 * @param address  the client's IP address (textual), "127.0.0.1" for mail the gateway made itself
 * @param helo     the name it gave in HELO/EHLO
 * @param tls      the TLS version and cipher that protected the session ("TLSv1.3 TLS_AES_128_GCM_SHA256"), or null
 * @param authUser the authenticated identity, or null
 */
public record Client(String address, String helo, String tls, String authUser) {

    /** Whether TLS protected the session. */
    public boolean usedTls() {
        return tls != null;
    }

    /** The gateway itself, for the mail it originates (DSNs). */
    public static Client local(String hostname) {
        return new Client("127.0.0.1", hostname, null, null);
    }
}
