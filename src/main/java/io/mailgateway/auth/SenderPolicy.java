package io.mailgateway.auth;

import io.mailgateway.message.Mailbox;

/**
 * Which envelope senders (MAIL FROM) an authenticated user may use: their own address and their
 * extra addresses (user_addresses), compared in {@link Mailbox}'s canonical form (domain case
 * ignored, local part exact: RFC 5321 2.4). Anything else gets 553 5.7.1
 * ({@link AuthReplies#SENDER_NOT_OWNED}).
 *
 * <p>The null sender {@code <>}: allowed while AUTH_ALLOW_NULL_SENDER is true (the default).
 * Notifications that must not be answered (RFC 5321 4.5.5) are sent with a null reverse-path,
 * and some of them by the user's own software logged in as the user: message disposition
 * notifications (RFC 8098) and Sieve vacation replies (RFC 5230). Refusing {@code <>} breaks
 * those, while the login still names who sent the message (audit log, Received header).
 * Postfix's reject_sender_login_mismatch, as we read it, skips {@code <>} too (not checked
 * against its source here). Set the key to false where no user agent sends such mail.
 */
public final class SenderPolicy {

    private final UserDirectory users;
    private final boolean allowNullSender;

    public SenderPolicy(UserDirectory users, boolean allowNullSender) {
        this.users = users;
        this.allowNullSender = allowNullSender;
    }

    /** The rule on the user the session got from a successful AUTH (no database access). */
    public boolean maySendAs(User user, Mailbox sender) {
        if (sender.isNull()) {
            return allowNullSender;
        }
        String address = sender.toString();
        return user.address().equals(address) || user.aliases().contains(address);
    }

    /**
     * The rule by user name (canonical address), reading the user through the cache; false for
     * an unknown or disabled user.
     *
     * @throws UserDirectory.Unavailable when the database cannot be read (reply 451 4.3.0)
     */
    public boolean maySendAs(String user, Mailbox sender) {
        return UserStore.canonical(user).flatMap(users::find).filter(User::enabled)
                .map(u -> maySendAs(u, sender)).orElse(false);
    }
}
