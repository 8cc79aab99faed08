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
import io.mailgateway.store.FileSystemSync;
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
    private final boolean syncFileSystem;

    /**
     * @param syncFileSystem MAILDIR_SYNC=filesystem: a batch's files are made durable by syncfs(2)
     *                       of the Maildir's file system, twice per batch, where it is available;
     *                       false (MAILDIR_SYNC=file): an fsync per file and per new/ directory
     */
    public MaildirStore(Path root, String hostname, boolean syncFileSystem) {
        super("maildir");
        this.root = root;
        // Maildir names must not contain '/' or ':' (cr.yp.to/proto/maildir.html).
        this.hostname = hostname.replace("/", "\\057").replace(":", "\\072");
        this.syncFileSystem = syncFileSystem && FileSystemSync.available();
    }

    /** Whether batches are made durable by syncfs(2) (asked for, and available here). */
    public boolean syncsFileSystem() {
        return syncFileSystem;
    }

    @Override
    protected void store(Exchange exchange) throws IOException, PermanentStoreFailure {
        Set<Path> toSync = new LinkedHashSet<>();
        writeToTmp(exchange.getIn(), null, toSync).moveToNew(toSync);
        for (Path dir : toSync) {
            DurableFiles.syncDirectory(dir);
        }
    }

    @Override
    protected void storeBatch(StoreBatch batch, Exchange exchange) {
        if (!syncFileSystem) {
            storeFileByFile(batch);
            return;
        }
        try (FileSystemSync fs = openFileSystem()) {
            storeSyncingFileSystem(batch, fs);
        } catch (IOException e) { // the Maildir root could not be made or opened
            batch.pending().forEach(entry -> entry.failed(e));
        }
    }

    private FileSystemSync openFileSystem() throws IOException {
        DurableFiles.createDirectoriesDurably(root);
        return FileSystemSync.open(root);
    }

    /**
     * A batch shares its directory syncs: every message's files are written, fsynced and renamed
     * into new/, then each new/ directory is fsynced once, and only then are the messages whose
     * files it holds marked stored. A message that failed leaves the others stored; its files
     * already renamed are found and skipped on its redelivery.
     */
    private void storeFileByFile(StoreBatch batch) {
        Map<Path, List<BatchEntry>> waitingOn = new LinkedHashMap<>();
        List<BatchEntry> written = new ArrayList<>();
        for (BatchEntry entry : batch.pending()) {
            Set<Path> toSync = new LinkedHashSet<>();
            try {
                writeToTmp(entry.message(), null, toSync).moveToNew(toSync);
                written.add(entry);
                toSync.forEach(dir -> waitingOn.computeIfAbsent(dir, d -> new ArrayList<>()).add(entry));
            } catch (Throwable e) { // an Error too: StoreStep#classified(Throwable)
                entry.failed(classified(e));
            }
        }
        syncDirectories(waitingOn);
        written.stream().filter(BatchEntry::isPending).forEach(BatchEntry::stored);
    }

    /**
     * A batch shares two syncs of the whole file system instead of an fsync per file: every
     * message's files are written into tmp/; one syncfs makes their data durable; they are
     * renamed into new/; a second syncfs makes the renames durable; only then are the messages
     * marked stored. On ext4 each fsync of a new file also writes its directory and flushes the
     * disk cache, so for a batch of N this is 2 flushes instead of N + 1 (docs/performance.md).
     * A mailbox on another file system (a mount under the Maildir root) gets an fsync per file and
     * per directory as in {@link #storeFileByFile}. A failed syncfs fails every message it was to
     * cover; they come again, and files already in new/ are found and skipped.
     */
    private void storeSyncingFileSystem(StoreBatch batch, FileSystemSync fs) {
        record Written(BatchEntry entry, InTmpFiles files, Set<Path> toSync) {
        }
        List<Written> written = new ArrayList<>();
        for (BatchEntry entry : batch.pending()) {
            Set<Path> toSync = new LinkedHashSet<>();
            try {
                written.add(new Written(entry, writeToTmp(entry.message(), fs, toSync), toSync));
            } catch (Throwable e) { // an Error too: StoreStep#classified(Throwable)
                entry.failed(classified(e));
            }
        }
        if (!syncedAll(fs, written.stream().map(Written::entry).toList())) {
            return;
        }
        Map<Path, List<BatchEntry>> outside = new LinkedHashMap<>(); // new/ directories syncfs does not cover
        List<BatchEntry> moved = new ArrayList<>();
        for (Written w : written) {
            try {
                w.files().moveToNew(w.toSync());
                moved.add(w.entry());
                if (w.files().inTmp().fsynced()) {
                    w.toSync().forEach(dir -> outside.computeIfAbsent(dir, d -> new ArrayList<>()).add(w.entry()));
                }
            } catch (Throwable e) {
                w.entry().failed(classified(e));
            }
        }
        if (!syncedAll(fs, moved)) {
            return;
        }
        syncDirectories(outside);
        moved.stream().filter(BatchEntry::isPending).forEach(BatchEntry::stored);
    }

    /** syncfs; on failure every entry of {@code covered} fails (false). */
    private static boolean syncedAll(FileSystemSync fs, List<BatchEntry> covered) {
        if (covered.isEmpty()) {
            return true;
        }
        try {
            fs.sync();
            return true;
        } catch (IOException e) {
            covered.forEach(entry -> entry.failed(e));
            return false;
        }
    }

    /** fsyncs each directory once; a failure fails the entries waiting on it. */
    private static void syncDirectories(Map<Path, List<BatchEntry>> waitingOn) {
        for (Map.Entry<Path, List<BatchEntry>> dir : waitingOn.entrySet()) {
            try {
                DurableFiles.syncDirectory(dir.getKey());
            } catch (IOException e) {
                dir.getValue().forEach(entry -> entry.failed(e));
            }
        }
    }

    /** One message's files in tmp/, with the delivery that names them (null: no local mailbox, no files). */
    private record InTmpFiles(MaildirDelivery delivery, MaildirDelivery.InTmp inTmp) {

        static final InTmpFiles NONE = new InTmpFiles(null, new MaildirDelivery.InTmp(List.of(), false));

        /** Renames them into new/ ({@link MaildirDelivery#moveToNew}). */
        void moveToNew(Set<Path> toSync) throws IOException {
            if (delivery != null) {
                delivery.moveToNew(inTmp, toSync);
            }
        }
    }

    /**
     * Writes the message's files into tmp/ of its mailboxes ({@link MaildirDelivery#writeToTmp});
     * {@code fs} null: each file fsync'd. New/ directories that hold it already go to {@code toSync}.
     */
    private InTmpFiles writeToTmp(Message in, FileSystemSync fs, Set<Path> toSync) throws IOException, PermanentStoreFailure {
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
            return InTmpFiles.NONE;
        }
        String name = (receivedAt / 1000) + "." + queueId + "." + hostname;
        byte[] returnPath = ("Return-Path: <" + envelope.sender() + ">\r\n").getBytes(StandardCharsets.UTF_8);
        try (InputStream body = in.getMandatoryBody(InputStream.class)) {
            boolean redelivered = Boolean.TRUE.equals(in.getHeader("JMSRedelivered", Boolean.class));
            MaildirDelivery delivery = new MaildirDelivery(name);
            MaildirDelivery.InTmp written = delivery.writeToTmp(mailboxes, returnPath, body, redelivered, fs, toSync);
            LOG.debug("{}: maildir wrote {} of {} mailbox(es)", queueId, written.boxes().size(), mailboxes.size());
            return new InTmpFiles(delivery, written);
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
