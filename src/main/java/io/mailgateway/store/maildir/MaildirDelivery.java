package io.mailgateway.store.maildir;

import io.mailgateway.store.DurableFiles;
import io.mailgateway.store.FileSystemSync;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One message into several Maildirs by the Maildir protocol: write to {@code tmp/NAME},
 * fsync, rename into {@code new/NAME}, fsync {@code new/}. The body is streamed once into the
 * first mailbox; the others get a copy of that file, so the message is never whole in memory.
 * {@link #writeToTmp} and {@link #moveToNew} leave the syncs of {@code new/} to their caller, so
 * that a batch of messages syncs each directory once, or the whole file system twice with
 * MAILDIR_SYNC=filesystem ({@link MaildirStore}).
 */
final class MaildirDelivery {

    private final String name;
    /** "TIME.QUEUEID.": the name less the host part, which may differ between attempts. */
    private final String ofThisMessage;

    /** {@code name}: TIME.QUEUEID.HOST, the Maildir file name of the message. */
    MaildirDelivery(String name) {
        this.name = name;
        this.ofThisMessage = name.substring(0, name.indexOf('.', name.indexOf('.') + 1) + 1);
    }

    /**
     * The whole protocol for one message on its own: files written and fsynced, renamed into
     * {@code new/}, and each {@code new/} fsynced; on a redelivery also a {@code new/} that had
     * the file already (the attempt that renamed it may have failed before its fsync).
     *
     * @return how many mailboxes got a new file (the rest had it from an earlier attempt)
     */
    int deliver(Collection<Path> mailboxes, byte[] header, InputStream body, boolean redelivered) throws IOException {
        Set<Path> toSync = new LinkedHashSet<>();
        InTmp written = writeToTmp(mailboxes, header, body, redelivered, null, toSync);
        moveToNew(written, toSync);
        for (Path dir : toSync) {
            DurableFiles.syncDirectory(dir);
        }
        return written.boxes().size();
    }

    /**
     * The mailboxes whose {@code tmp/} got the message, and whether its files there are fsync'd
     * already or wait for the caller's syncfs.
     */
    record InTmp(List<Path> boxes, boolean fsynced) {
    }

    /**
     * Writes the message into {@code tmp/} of each mailbox that lacks it. With {@code fs} null,
     * or a mailbox on another file system than {@code fs}, each file is fsync'd; otherwise the
     * caller makes them durable with {@code fs.sync()}, which it must do BEFORE {@link #moveToNew}:
     * a file must never reach new/ before its data is durable, or a crash could leave an empty
     * file there that a redelivery takes for the message.
     */
    InTmp writeToTmp(Collection<Path> mailboxes, byte[] header, InputStream body, boolean redelivered,
                     FileSystemSync fs, Set<Path> toSync) throws IOException {
        List<Path> pending = new ArrayList<>();
        boolean fsyncEach = fs == null;
        for (Path box : mailboxes) {
            prepare(box);
            fsyncEach = fsyncEach || !fs.covers(box);
            if (!alreadyDelivered(box, redelivered, toSync)) {
                pending.add(box);
            }
        }
        if (pending.isEmpty()) {
            return new InTmp(pending, fsyncEach);
        }
        Path first = pending.get(0).resolve("tmp").resolve(name);
        DurableFiles.write(first, header, body, fsyncEach);
        for (Path box : pending.subList(1, pending.size())) {
            Path copy = box.resolve("tmp").resolve(name);
            Files.copy(first, copy, StandardCopyOption.REPLACE_EXISTING);
            if (fsyncEach) {
                try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        }
        return new InTmp(pending, fsyncEach);
    }

    /** Renames the files {@link #writeToTmp} wrote into {@code new/}; each {@code new/} goes to {@code toSync}. */
    void moveToNew(InTmp written, Set<Path> toSync) throws IOException {
        for (Path box : written.boxes()) {
            Files.move(box.resolve("tmp").resolve(name), box.resolve("new").resolve(name), StandardCopyOption.ATOMIC_MOVE);
            toSync.add(box.resolve("new"));
        }
    }

    /**
     * A mailbox seen for the first time: each directory created (domain, user, tmp, new, cur)
     * is fsync'd into its parent before the message counts as stored, or a power cut could lose
     * the whole mailbox with the acknowledged file in it. They are made in the order tmp, new,
     * cur, so the check is on cur, the last: a crash between two of them (new made, cur not) must
     * not leave a mailbox whose redeliveries fail forever on the missing cur/.
     */
    private static void prepare(Path box) throws IOException {
        if (!Files.isDirectory(box.resolve("cur"))) {
            for (String sub : new String[] {"tmp", "new", "cur"}) {
                DurableFiles.createDirectoriesDurably(box.resolve(sub));
            }
        }
    }

    /**
     * In new/ already (then new/ goes to {@code toSync}: the attempt that renamed it there may
     * have failed before its sync), or read by a client and moved to cur/ with flags
     * (NAME:2,FLAGS). A redelivery looks for the time and queue ID whatever the host part: with
     * SMTP_HOSTNAME unset the host is this machine's name as reverse DNS gives it, which can
     * differ after a restart (DNS not ready, a new container), and an exact name then missed the
     * copy and wrote a second one.
     */
    private boolean alreadyDelivered(Path box, boolean redelivered, Set<Path> toSync) throws IOException {
        Path newDir = box.resolve("new");
        if (Files.exists(newDir.resolve(name)) || redelivered && contains(newDir)) {
            toSync.add(newDir);
            return true;
        }
        return redelivered && contains(box.resolve("cur")); // a first attempt cannot have been read yet: no listing
    }

    private boolean contains(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, globEscape(ofThisMessage) + "*")) {
            return files.iterator().hasNext();
        }
    }

    private static String globEscape(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }
}
