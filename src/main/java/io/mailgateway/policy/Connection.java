package io.mailgateway.policy;

import java.net.InetAddress;

/**
 * What the policy knows of an SMTP client during its session: the facts, never the session.
 * At connect only the address is known; HELO adds the name.
 *
 * @param address  the client's IP address; null when the transport gives none
 * @param helo     the name from HELO/EHLO, null before it
 * @param tls      whether TLS protects the session
 * @param authUser the authenticated identity, or null
 */
public record Connection(InetAddress address, String helo, boolean tls, String authUser) {

    /** A client that has just connected. */
    public static Connection from(InetAddress address) {
        return new Connection(address, null, false, null);
    }

    public Connection withHelo(String name) {
        return new Connection(address, name, tls, authUser);
    }

    /** After the TLS handshake: protected, and the HELO name said in clear forgotten (RFC 3207 4.2). */
    public Connection withTls() {
        return new Connection(address, null, true, authUser);
    }

    public Connection withAuthUser(String user) {
        return new Connection(address, helo, tls, user);
    }
}
