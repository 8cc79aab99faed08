package io.mailgateway.smtp;

import io.mailgateway.message.Mailbox;
import java.net.InetAddress;
import java.time.Duration;

/**
 * What the SMTP session asks of the users (bean "smtpAuthenticator"): check a password, and
 * which envelope senders an authenticated user may use. Called from a worker thread, never
 * from a Netty event loop (a password hash costs tens of milliseconds on purpose).
 */
public interface SmtpAuthenticator {

    enum Outcome { SUCCESS, FAILED, BLOCKED, TEMPORARY_FAILURE }

    /**
     * @param user  the authenticated identity on SUCCESS
     * @param delay how long to wait before answering (progressive delay after failures)
     */
    record Result(Outcome outcome, String user, Duration delay) {
    }

    Result authenticate(String mechanism, String username, String password, InetAddress client);

    /** RFC 6409 8.1: a submission server may insist the sender is the user's own address. */
    boolean maySendAs(String user, Mailbox sender);
}
