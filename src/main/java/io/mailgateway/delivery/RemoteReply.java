package io.mailgateway.delivery;

/**
 * One reply of a remote SMTP server as received (RFC 5321 4.2), or one we make up for a failure
 * that produced no reply (connection refused, timeout, DNS): those are always 4xx, so retried.
 *
 * @param code  the three-digit reply code
 * @param text  the reply text after the code, lines joined by a space; starts with the enhanced
 *              status code (RFC 3463) when the server sent one
 */
public record RemoteReply(int code, String text) {

    public boolean isPositive() {
        return code / 100 == 2;
    }

    /** 4xx: try again later. */
    public boolean isTransient() {
        return code / 100 == 4;
    }

    /** 5xx: give up and bounce. */
    public boolean isPermanent() {
        return code / 100 == 5;
    }

    @Override
    public String toString() {
        return code + " " + text;
    }
}
