package io.mailgateway.delivery;

/**
 * The replies we make up when a next hop gave none (RFC 3463 codes; class 4 = retry later,
 * class 5 = give up), in the words Postfix uses for the same cases.
 */
final class RelayReplies {

    private RelayReplies() {
    }

    /** RFC 3463 4.4.1: no answer from host. */
    static RemoteReply connectFailed(String host, String why) {
        return new RemoteReply(451, "4.4.1 connect to " + host + " failed: " + why);
    }

    static RemoteReply noHosts() {
        return new RemoteReply(451, "4.4.1 no host to connect to");
    }

    /** RFC 3463 4.4.2: bad connection. */
    static RemoteReply lostConnection(String host, String phase) {
        return new RemoteReply(451, "4.4.2 lost connection with " + host + " while " + phase);
    }

    static RemoteReply timeout(String host, String phase) {
        return new RemoteReply(451, "4.4.2 conversation with " + host + " timed out while " + phase);
    }

    static RemoteReply tlsFailed(String host, String why) {
        return new RemoteReply(451, "4.7.5 TLS handshake with " + host + " failed: " + why);
    }

    /** RFC 3463 4.5.0: a reply that does not fit the command (e.g. 250 to DATA): the conversation is out of step. */
    static RemoteReply unexpectedReply(String host, String command, ClientReply reply) {
        return new RemoteReply(451, "4.5.0 protocol error: " + host + " answered " + command + " with \"" + reply + "\"");
    }

    /** A 5xx greeting: Postfix's smtp_skip_5xx_greeting, try later rather than bounce. */
    static RemoteReply refusedGreeting(String host, ClientReply greeting) {
        return new RemoteReply(451, "4.3.0 " + host + " refused to talk to me: " + greeting);
    }

    /** RFC 6531 3.7.5: a non-ASCII address to a server without SMTPUTF8. */
    static RemoteReply needsSmtputf8(String host) {
        return new RemoteReply(553, "5.6.7 " + host + " does not support SMTPUTF8, needed for a non-ASCII address");
    }

    /** RFC 1870: the server's SIZE limit is below the message. */
    static RemoteReply tooBig(String host, long limit) {
        return new RemoteReply(552, "5.3.4 message exceeds the size limit of " + host + " (" + limit + " octets)");
    }
}
