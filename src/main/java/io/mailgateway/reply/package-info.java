/**
 * SMTP replies as types: {@link io.mailgateway.reply.SmtpReply} (code, RFC 3463 enhanced status,
 * text, whether the connection closes) and {@link io.mailgateway.reply.EnhancedStatus}.
 *
 * <p>Below both {@code smtp} (which sends replies) and {@code policy} (whose verdicts carry the
 * reply a refusal should get), so neither imports the other for it; maddy's {@code exterrors}
 * plays the same part. Session-protocol replies live in {@code smtp.SmtpReplies}; each policy
 * keeps its own replies beside it ({@code policy.limits.LimitReplies}, {@code policy.dmarc.DmarcReplies}).
 */
package io.mailgateway.reply;
