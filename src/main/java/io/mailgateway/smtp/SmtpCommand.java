package io.mailgateway.smtp;

import io.mailgateway.reply.SmtpReply;

/**
 * One SMTP verb. {@code execute} reads and changes the session and returns the reply, or null
 * when the reply must wait for content (BDAT). One small class per verb; requirements such as
 * TLS or AUTH (later issue) wrap a command rather than live inside it.
 */
interface SmtpCommand {

    SmtpReply execute(SmtpSession session, String args);
}
