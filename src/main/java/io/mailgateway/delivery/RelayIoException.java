package io.mailgateway.delivery;

/**
 * A failure that produced no server reply (connect error, timeout, lost connection, TLS
 * handshake): carries the made-up 4xx reply that stands for it.
 */
final class RelayIoException extends Exception {

    private final transient RemoteReply reply;

    RelayIoException(RemoteReply reply) {
        super(reply.toString(), null, false, false);
        this.reply = reply;
    }

    RemoteReply reply() {
        return reply;
    }
}
