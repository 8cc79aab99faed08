package io.mailgateway.broker;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;

/**
 * The one user of the embedded broker: the queue CLI (over BROKER_PORT) and the gateway's own
 * in-VM clients log in with it. The file {@code $DATA_DIR/broker/admin.credentials} is the
 * interface, never an environment variable (the environment of a process can be read from /proc
 * and leaks into crash reports): whoever can read the file can manage the queue, so it is mode
 * 0600, owned by the gateway's user.
 *
 * <p>Lifecycle: the gateway calls {@link #loadOrCreate} at each start (the first start generates
 * the password, later ones reuse it); the CLI calls {@link #read}. Deleting the file and
 * restarting the gateway rotates the password.
 */
public record AdminCredentials(String user, String password) {

    public static final String USER = "admin";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Thrown when the file cannot be read; the message says what to do. */
    public static final class Unavailable extends IOException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static Path file(Path dataDir) {
        return dataDir.resolve("broker").resolve("admin.credentials");
    }

    /** The credentials of {@code dataDir}, made on the first call: 32 random bytes, base64url. */
    public static AdminCredentials loadOrCreate(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (Files.exists(file)) {
            requireOwnerOnly(file);
            return read(dataDir);
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        AdminCredentials created = new AdminCredentials(USER, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        write(file, created);
        return created;
    }

    /** The credentials the running gateway made, for the CLI; {@link Unavailable} explains a failure. */
    public static AdminCredentials read(Path dataDir) throws Unavailable {
        Path file = file(dataDir);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new Unavailable("no broker credentials at " + file + ": the gateway writes them at its first start;"
                    + " run this command with the gateway's DATA_DIR (same environment or CONFIG_FILE)", e);
        } catch (AccessDeniedException e) {
            throw new Unavailable("cannot read the broker credentials " + file
                    + " (permission denied): run this command as the gateway's user, e.g. sudo -u <that user>", e);
        } catch (IOException e) {
            throw new Unavailable("cannot read the broker credentials " + file + ": " + e, e);
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new Unavailable("broker credentials " + file + " are unreadable: " + e, e);
        }
        String user = p.getProperty("user");
        String password = p.getProperty("password");
        if (user == null || user.isBlank() || password == null || password.isBlank()) {
            throw new Unavailable("broker credentials " + file + " lack user= or password=: delete the file and"
                    + " restart the gateway, which writes new ones", null);
        }
        return new AdminCredentials(user.strip(), password.strip());
    }

    /**
     * Written to a temporary file created with mode 0600 (the mode is given to open(2), so the
     * file is never readable by others, not even for an instant; a umask can only narrow it),
     * synced, then renamed into place: a reader sees the whole file or none.
     */
    private static void write(Path file, AdminCredentials c) throws IOException {
        Files.createDirectories(file.getParent());
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // a crash between create and rename left it
        String text = "# Broker login of the queue CLI and the gateway (docs/security.md). Delete and restart to rotate.\n"
                + "user=" + c.user() + "\npassword=" + c.password() + "\n";
        try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode)) {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A credentials file others can read may have leaked: refuse it rather than keep using it. */
    private static void requireOwnerOnly(Path file) throws IOException {
        Set<PosixFilePermission> actual = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(actual)) {
            throw new IOException("broker credentials " + file + " have mode " + PosixFilePermissions.toString(actual)
                    + ": others may have read them; delete the file (the next start writes new ones) or chmod 600 it");
        }
    }

    @Override
    public String toString() {
        return "AdminCredentials[user=" + user + ", password=(hidden)]"; // never the secret in a log line
    }
}
