package io.mailgateway.fetch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.search.SearchTerm;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bean {@code fetchLimits}, the fetch route's {@code searchTerm}: which messages of the remote
 * mailbox a poll takes. Not one too big for the gateway: over SMTP_MAX_MESSAGE_SIZE by the size
 * the server gives (POP3 LIST, IMAP RFC822.SIZE; nothing is downloaded), or refused earlier in
 * this process as too big ({@link #refuse}: more octets than announced, a header section over
 * 1 MiB). Such a message stays at the source, where its owner can still read it, is logged and
 * counted ({@code smtp_fetch_too_big_total}) once, and is left out of every later poll until the
 * gateway restarts; it is never stored, not even quarantined: the steps after the checks read a
 * header section into memory, and SMTP would have refused it with 552.
 *
 * <p>Evaluated by the mail client itself (IMAP cannot search for it), one message at a time.
 */
public final class FetchLimits extends SearchTerm {

    private static final Logger LOG = LoggerFactory.getLogger(FetchLimits.class);
    /** Refused messages remembered; past this many the oldest are forgotten (and tried once more). */
    private static final int REMEMBERED = 10_000;

    private final long maxSize;
    private final transient Counter tooBig;
    private final transient Set<String> refused = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            }));

    public FetchLimits(long maxSize, MeterRegistry registry) {
        this.maxSize = maxSize;
        this.tooBig = Counter.builder("smtp.fetch.too.big")
                .description("fetched messages left at the source as too big, each counted once")
                .register(registry);
    }

    /** SMTP_MAX_MESSAGE_SIZE: the most octets a fetched message may have. */
    public long maxSize() {
        return maxSize;
    }

    @Override
    public boolean match(Message message) {
        String key = key(message);
        if (refused.contains(key)) {
            return false;
        }
        int size;
        try {
            size = message.getSize(); // -1: not known; then the spool's own limit applies
        } catch (MessagingException e) {
            return true; // the fetch itself will fail or succeed, and say why
        }
        if (size > maxSize) {
            refuse(message, size + " octets, over SMTP_MAX_MESSAGE_SIZE " + maxSize);
            return false;
        }
        return true;
    }

    /** Leaves {@code message} at its source and out of later polls; logs and counts it the first time. */
    public void refuse(Message message, String why) {
        String key = key(message);
        if (FetchUid.of(message).startsWith("#")) {
            // A POP3 server without UIDL: message numbers change between sessions, and one
            // remembered here could later name another message. Not remembered: refused anew.
            tooBig.increment();
            LOG.warn("fetched message {} left at the source, too big ({})", key, why);
        } else if (refused.add(key)) {
            tooBig.increment();
            LOG.warn("fetched message {} left at the source, too big ({}): not fetched again until restart", key, why);
        }
    }

    /** The mailbox (without password) and the server's id of the message: unique across fetch routes. */
    static String key(Message message) {
        Folder folder = message.getFolder();
        String mailbox;
        try {
            mailbox = folder == null ? "?" : folder.getURLName().toString();
        } catch (MessagingException e) {
            mailbox = folder.getFullName();
        }
        return mailbox + " uid " + FetchUid.of(message);
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
