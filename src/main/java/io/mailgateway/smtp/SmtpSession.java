package io.mailgateway.smtp;

import io.mailgateway.policy.Connection;
import io.mailgateway.policy.PolicyChain;
import io.mailgateway.reply.SmtpReply;
import java.util.function.Supplier;

/**
 * The protocol state of one SMTP connection, free of any network code: commands read and
 * change it, the Netty handler moves bytes. Phases: greeted, then HELO/EHLO, then per
 * transaction MAIL, RCPT*, DATA or BDAT*, and back.
 */
public final class SmtpSession {

    /** What the next bytes from the client are. */
    public enum Receiving { COMMANDS, DATA, CHUNK }

    final SmtpServerSettings settings;
    final String clientAddress;
    private final Supplier<MessageBuffer> bufferFactory;

    String helo;
    boolean esmtp;
    MailTransaction transaction;
    Receiving receiving = Receiving.COMMANDS;
    long chunkSize;
    boolean chunkLast;
    /** Set when a BDAT chunk must be read but then refused with this reply. */
    SmtpReply chunkError;
    int errors;
    /** The listener can start TLS on this connection (STARTTLS offered until TLS is on). */
    boolean tlsOffered;
    /** TLS version and cipher once the handshake is done ("TLSv1.3 TLS_AES_128_GCM_SHA256"), null in clear. */
    String tls;
    /** Set by STARTTLS: the handler starts the handshake after the 220 (RFC 3207). */
    boolean startTlsPending;
    /** A submission listener: MAIL only after AUTH (RFC 6409 4.3). */
    boolean authRequired;
    /** Checks AUTH credentials and senders; null: AUTH not offered on this listener. */
    SmtpServer.Auth auth;
    /** A SASL exchange waiting for the client's next line, or null. */
    AuthCommand.Stage sasl;
    /** LOGIN: the user name, between the two challenges. */
    String loginUser;
    /** Credentials the handler checks next, off the event loop. */
    AuthCommand.Request pendingAuth;
    String authUser;
    /** The authenticated user's row (its addresses), for the sender check. */
    io.mailgateway.auth.User user;
    /** The policy checks of this listener, by phase. */
    final PolicyChain policy;
    /** What the checks see of this client (address, then HELO name). */
    Connection connection;
    /** The gateway keeps a delivery queue (QUEUE_ENABLED): relayed recipients can be taken. */
    boolean relayQueue = true;
    /** Whether the connect checks accepted it: they are told when it ends. */
    boolean admitted;

    SmtpSession(SmtpServerSettings settings, String clientAddress, PolicyChain policy, Supplier<MessageBuffer> bufferFactory) {
        this.settings = settings;
        this.policy = policy;
        this.clientAddress = clientAddress;
        this.bufferFactory = bufferFactory;
    }

    MessageBuffer newBuffer() {
        return bufferFactory.get();
    }

    /** RFC 5321 4.1.1.5: drop the transaction; HELO/EHLO state stays. */
    void resetTransaction() {
        if (transaction != null) {
            transaction.discard();
            transaction = null;
        }
        receiving = Receiving.COMMANDS;
        chunkError = null;
    }

    /**
     * RFC 3207 4.2: after the TLS handshake the client starts over; nothing it said in clear
     * (its EHLO name, a transaction) is kept.
     */
    void startedTls(String protocolAndCipher) {
        resetTransaction();
        tls = protocolAndCipher;
        helo = null;
        esmtp = false;
        connection = connection.withTls();
    }

    /** RFC 3848 "with" keyword for the Received header. */
    String protocol() {
        boolean utf8 = transaction != null && transaction.smtpUtf8;
        String base = utf8 ? "UTF8SMTP" : esmtp ? "ESMTP" : "SMTP";
        return base + (tls != null ? "S" : "") + (authUser != null ? "A" : "");
    }
}
