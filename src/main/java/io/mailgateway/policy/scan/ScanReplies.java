package io.mailgateway.policy.scan;

import static io.mailgateway.reply.EnhancedStatus.of;

import io.mailgateway.reply.SmtpReply;

/** Replies of the spam and virus checks; client-facing text stays generic (the details go to the log). */
public final class ScanReplies {

    private ScanReplies() {
    }

    /** Score at or above SPAM_REJECT_THRESHOLD (RFC 3463 5.7.1: delivery not authorized, message refused). */
    public static final SmtpReply SPAM_REJECT = SmtpReply.of(550, of(5, 7, 1), "Message rejected as spam");
    /** rspamd said "soft reject" (e.g. its rate limits): try later. */
    public static final SmtpReply SPAM_SOFT_REJECT = SmtpReply.of(451, of(4, 7, 1), "Message deferred by content filter, try again later");
    /** rspamd down or too slow and SPAM_FAIL_ACTION=tempfail. */
    public static final SmtpReply SPAM_UNAVAILABLE = SmtpReply.of(451, of(4, 7, 1), "Spam scanner unavailable, try again later");
    /**
     * A virus: 554 (transaction failed) as Postfix with clamav-milter and Exim's malware ACL
     * answer; 5.7.1 since the content is refused by policy.
     */
    public static final SmtpReply VIRUS_FOUND = SmtpReply.of(554, of(5, 7, 1), "Message rejected: virus found");
    /** clamd down or too slow and VIRUS_FAIL_ACTION=tempfail. */
    public static final SmtpReply VIRUS_UNAVAILABLE = SmtpReply.of(451, of(4, 7, 1), "Virus scanner unavailable, try again later");
}
