package io.mailgateway.policy.dmarc;

import static io.mailgateway.reply.EnhancedStatus.of;

import io.mailgateway.reply.SmtpReply;

/** The replies DMARC's verdicts carry (RFC 7489); client-facing text stays generic, details go to the log. */
public final class DmarcReplies {

    private DmarcReplies() {
    }

    /** The From domain's DMARC policy is reject and the message failed it (RFC 7489 6.6.4, 10.3). */
    public static final SmtpReply DMARC_REJECT = SmtpReply.of(550, of(5, 7, 1), "Rejected by the sender domain's DMARC policy");
    /** Several From fields or several From mailboxes: no single author to authenticate (RFC 7489 6.6.1). */
    public static final SmtpReply AMBIGUOUS_FROM = SmtpReply.of(550, of(5, 7, 1), "Message must have exactly one From mailbox");
    /** A From field too long to read whole: the part read could name another domain than the one shown. */
    public static final SmtpReply FROM_TOO_LONG = SmtpReply.of(550, of(5, 7, 1), "From header field too long to check");
    /** A DNS lookup the decision needs failed for now (DMARC_TEMPERROR_ACTION=tempfail; RFC 3463 4.4.3). */
    public static final SmtpReply DNS_TEMPFAIL = SmtpReply.of(451, of(4, 4, 3), "Temporary DNS failure, try again later");
}
