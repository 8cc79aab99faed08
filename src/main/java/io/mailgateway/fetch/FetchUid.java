package io.mailgateway.fetch;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;
import org.apache.camel.component.mail.MailEndpoint;
import org.apache.camel.component.mail.MailUidGenerator;
import org.eclipse.angus.mail.pop3.POP3Folder;

/**
 * Bean {@code fetchUid}, the fetch route's {@code mailUidGenerator}: a message's key is the id its
 * server gives it, POP3's UIDL (RFC 1939 7) or IMAP's UID (RFC 3501 2.3.1.1), never a header.
 *
 * <p>Why it matters: camel-mail deletes a stored POP3 message by looking its key up again in the
 * mailbox and deleting the first message with that key. Its default key is the Message-ID
 * header, which two messages may share (a list copy and a direct copy, a sender that reuses
 * one): the commit of the second then deleted the first, which may have failed and never been
 * stored. For IMAP the commit acts on the polled message itself; the key only has to be unique.
 *
 * <p>A POP3 server without UIDL: the message number, which RFC 1939 keeps stable for the session
 * in which camel-mail polls and commits.
 */
public final class FetchUid implements MailUidGenerator {

    @Override
    public String generateUuid(MailEndpoint endpoint, Message message) {
        return of(message);
    }

    /** The server's id of {@code message} in its folder. */
    static String of(Message message) {
        Folder folder = message.getFolder();
        try {
            if (folder instanceof POP3Folder pop3) {
                String uidl = pop3.getUID(message);
                if (uidl != null && !uidl.isEmpty()) {
                    return uidl;
                }
            } else if (folder instanceof UIDFolder imap) {
                // UIDVALIDITY too: a UID names one message only as long as it does not change
                return imap.getUIDValidity() + "." + imap.getUID(message);
            }
        } catch (MessagingException e) {
            throw new IllegalStateException("the mail server gave no id for message " + message.getMessageNumber(), e);
        }
        return "#" + message.getMessageNumber();
    }
}
