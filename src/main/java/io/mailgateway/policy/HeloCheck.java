package io.mailgateway.policy;

/** A check of the name a client gives in HELO/EHLO (RFC 5321 4.1.1.1); a refusal is the reply to that command. */
public interface HeloCheck {

    /** @param client the client, with {@link Connection#helo()} set to the name just given */
    Verdict onHelo(Connection client);
}
