package io.mailgateway.store.maildir;

import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.Mailbox;
import io.mailgateway.message.Recipient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import io.mailgateway.store.BatchEntry;
import io.mailgateway.store.DurableFiles;
import io.mailgateway.store.PermanentStoreFailure;
import io.mailgateway.store.StoreBatch;
import io.mailgateway.store.StoreStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Maildir store: each message once per LOCAL recipient of its envelope (relayed ones have no
 * mailbox here) in
 * {@code ROOT/<domain>/<localpart>/new}, as received plus a {@code Return-Path:} header;
 * quarantined messages into that mailbox's {@code .Junk} folder instead.
 * An I/O failure (disk full, permissions) leaves the route failed, so the broker transaction rolls
 * back and the message comes again; what can never be stored (no readable envelope or body) goes
 * to store.maildir.dlq ({@link StoreStep}). Delivery is at least once, and the file name (receipt time, queue ID,
 * host) is the same on every attempt, so a recipient already written is skipped, not doubled.
 */
public class MaildirStore extends StoreStep {

    private static final Logger LOG = LoggerFactory.getLogger(MaildirStore.class);

    private final Path root;
    private final String hostname;

    public MaildirStore(Path root, String hostname) {
        super("maildir");
        this.root = root;
        // Maildir names must not contain '/' or ':' (cr.yp.to/proto/maildir.html).
        this.hostname = hostname.replace("/", "\\057").replace(":", "\\072");
    }

    @Override
    protected void store(Exchange exchange) throws IOException, PermanentStoreFailure {
        Set<Path> toSync = new LinkedHashSet<>();
        write(exchange.getIn(), toSync);
        for (Path dir : toSync) {
            DurableFiles.syncDirectory(dir);
        }
    }

    /**
     * A batch shares its directory syncs: every message's files are written, fsynced and renamed
     * into new/, then each new/ directory is fsynced once, and only then are the messages whose
     * files it holds marked stored. A message that failed leaves the others stored; its files
     * already renamed are found and skipped on its redelivery.
     */
    @Override
    protected void storeBatch(StoreBatch batch, Exchange exchange) {
        Map<Path, List<BatchEntry>> waitingOn = new LinkedHashMap<>();
        List<BatchEntry> written = new ArrayList<>();
        for (BatchEntry entry : batch.pending()) {
            Set<Path> toSync = new LinkedHashSet<>();
            try {
                write(entry.message(), toSync);
                written.add(entry);
                toSync.forEach(dir -> waitingOn.computeIfAbsent(dir, d -> new ArrayList<>()).add(entry));
            } catch (Exception e) {
                entry.failed(classified(e));
            }
        }
        for (Map.Entry<Path, List<BatchEntry>> dir : waitingOn.entrySet()) {
            try {
                DurableFiles.syncDirectory(dir.getKey());
            } catch (IOException e) {
                dir.getValue().forEach(entry -> entry.failed(e));
            }
        }
        written.stream().filter(BatchEntry::isPending).forEach(BatchEntry::stored);
    }

    /** Writes the message's files and renames them into new/; the new/ directories left to fsync go to {@code toSync}. */
    private void write(Message in, Set<Path> toSync) throws IOException, PermanentStoreFailure {
        String queueId = in.getHeader(MailHeaders.QUEUE_ID, String.class);
        long receivedAt = in.getHeader(MailHeaders.RECEIVED_AT, Long.class);
        Envelope envelope = EnvelopeCodec.read(in);
        boolean quarantined = "true".equals(in.getHeader(MailHeaders.QUARANTINE, String.class));
        Set<Path> mailboxes = new LinkedHashSet<>();
        for (Recipient rcpt : envelope.local()) { // relayed recipients have no mailbox here
            Path box = mailboxOf(rcpt.mailbox());
            mailboxes.add(quarantined ? junkFolder(box) : box);
        }
        if (mailboxes.isEmpty()) {
            LOG.debug("{}: no local recipient, nothing for the maildir", queueId);
            return;
        }
        String name = (receivedAt / 1000) + "." + queueId + "." + hostname;
        byte[] returnPath = ("Return-Path: <" + envelope.sender() + ">\r\n").getBytes(StandardCharsets.UTF_8);
        try (InputStream body = in.getMandatoryBody(InputStream.class)) {
            boolean redelivered = Boolean.TRUE.equals(in.getHeader("JMSRedelivered", Boolean.class));
            int written = new MaildirDelivery(name).write(mailboxes, returnPath, body, redelivered, toSync);
            LOG.debug("{}: maildir wrote {} of {} mailbox(es)", queueId, written, mailboxes.size());
        } catch (org.apache.camel.InvalidPayloadException e) {
            throw new PermanentStoreFailure("message body is not readable: " + e.getMessage(), e);
        }
    }

    /**
     * A quarantined message (DMARC quarantine) goes to the mailbox's Maildir++ folder "Junk":
     * {@code MAILBOX/.Junk/{tmp,new,cur}} with the {@code maildirfolder} marker, which Dovecot and
     * Courier show as the Junk folder, so users still find it but not in their inbox.
     */
    static Path junkFolder(Path mailbox) throws IOException {
        Path junk = mailbox.resolve(".Junk");
        Path marker = junk.resolve("maildirfolder");
        if (!java.nio.file.Files.exists(marker)) {
            io.mailgateway.store.DurableFiles.createDirectoriesDurably(junk);
            try {
                java.nio.file.Files.createFile(marker);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another consumer made it
            }
            io.mailgateway.store.DurableFiles.syncDirectory(junk);
        }
        return junk;
    }

    /**
     * ROOT/domain/localpart of a canonical mailbox (unquoted, NFC): ASCII letters folded to lower
     * case (Bob and bob are one mailbox, as in every common MTA), other letters kept as they are,
     * anything unsafe in a path encoded (%XX).
     */
    Path mailboxOf(Mailbox mailbox) {
        return root.resolve(safe(asciiLower(mailbox.domain()))).resolve(safe(asciiLower(mailbox.localPart())));
    }

    static String asciiLower(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return b.toString();
    }

    static String safe(String part) {
        StringBuilder out = new StringBuilder(part.length());
        for (int i = 0; i < part.length(); ) {
            int cp = part.codePointAt(i);
            boolean plain = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '-' || cp == '_'
                    || cp == '+' || cp == '=' || (cp == '.' && i > 0) || cp > 127;
            if (plain) {
                out.appendCodePoint(cp);
            } else {
                out.append(String.format("%%%02X", cp));
            }
            i += Character.charCount(cp);
        }
        return out.toString();
    }
}
