package io.mailgateway.delivery;

import java.util.List;

/**
 * One reply of a remote SMTP server with its lines kept apart (the EHLO reply lists one
 * extension per line, RFC 5321 4.1.1.1).
 *
 * @param code  the three-digit reply code
 * @param lines the text of each line after the code and its separator
 */
record ClientReply(int code, List<String> lines) {

    ClientReply {
        lines = List.copyOf(lines);
    }

    boolean isPositive() {
        return code / 100 == 2;
    }

    /** The lines joined by a space, as {@link RemoteReply} carries them. */
    RemoteReply toRemote() {
        return new RemoteReply(code, String.join(" ", lines));
    }

    @Override
    public String toString() {
        return toRemote().toString();
    }
}
