package io.mailgateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106) password hashes in PHC string form, with Bouncy Castle's generator.
 *
 * <p>Default parameters m=19456 KiB, t=2, p=1: OWASP's Password Storage Cheat Sheet minimum for
 * Argon2id. A mail client logs in once per submission session, not per request, so tens of
 * milliseconds of one core per login is affordable, while an offline guess costs 19 MiB of memory
 * each, which is what makes GPU farms slow. RFC 9106 4's "second recommended option" (64 MiB, t=3)
 * would make each concurrent AUTH hold 64 MiB; the bound on concurrent hashes below keeps the
 * total at (cores x m) whatever the load.
 *
 * <p>Thread-safe. Passwords are prepared as RFC 8265's OpaqueString (non-ASCII spaces to U+0020,
 * then NFC), the successor of the SASLprep that RFC 4616 2 asks for, so the same password typed on
 * two keyboards verifies.
 */
public final class PasswordHasher {

    /** Argon2id cost: memory in KiB, passes, lanes. */
    public record Params(int memoryKib, int iterations, int parallelism) {
    }

    public static final Params DEFAULT = new Params(19_456, 2, 1);
    private static final int SALT_OCTETS = 16; // RFC 9106 3.1: 128 bits
    private static final int HASH_OCTETS = 32;

    private final Params params;
    private final SecureRandom random = new SecureRandom();
    /** Each running Argon2 holds m KiB: at most this many at once, the rest wait their turn. */
    private final Semaphore running;
    /** Verified instead of a user's hash when there is no such user, so both cost the same. */
    private final PhcHash dummy;
    private final AtomicLong dummyVerifications = new AtomicLong();

    public PasswordHasher() {
        this(DEFAULT, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    public PasswordHasher(Params params, int maxConcurrent) {
        this.params = params;
        this.running = new Semaphore(maxConcurrent, true);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.dummy = PhcHash.parse(hash(java.util.Base64.getEncoder().encodeToString(secret)));
    }

    /** A new PHC string for the password, with a fresh random salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_OCTETS];
        random.nextBytes(salt);
        byte[] hash = derive(password, params.memoryKib(), params.iterations(), params.parallelism(), salt, HASH_OCTETS);
        return new PhcHash(params.memoryKib(), params.iterations(), params.parallelism(), salt, hash).encode();
    }

    /** True when the password matches; false for a wrong one and for a stored value that is no valid hash. */
    public boolean verify(String password, String phc) {
        PhcHash stored;
        try {
            stored = PhcHash.parse(phc);
        } catch (IllegalArgumentException e) {
            verifyDummy(password); // the same work as a real check
            return false;
        }
        // Constant time in the contents: the comparison does not stop at the first differing octet.
        return MessageDigest.isEqual(derive(password, stored), stored.hash());
    }

    /** The work of a verification against a hash nobody's password matches (unknown users). */
    public void verifyDummy(String password) {
        dummyVerifications.incrementAndGet();
        MessageDigest.isEqual(derive(password, dummy), dummy.hash());
    }

    /** Whether a stored hash was made with other parameters than today's (or is unreadable): rehash at the next login. */
    public boolean needsRehash(String phc) {
        try {
            return !PhcHash.parse(phc).sameParameters(params);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** How many dummy verifications ran (tests check that unknown users cost a verification). */
    long dummyVerifications() {
        return dummyVerifications.get();
    }

    private byte[] derive(String password, PhcHash h) {
        return derive(password, h.memoryKib(), h.iterations(), h.parallelism(), h.salt(), h.hash().length);
    }

    private byte[] derive(String password, int memoryKib, int iterations, int parallelism, byte[] salt, int length) {
        Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism)
                .withSalt(salt).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(p);
        byte[] out = new byte[length];
        byte[] secret = prepare(password).getBytes(StandardCharsets.UTF_8);
        running.acquireUninterruptibly();
        try {
            generator.generateBytes(secret, out);
        } finally {
            running.release();
            java.util.Arrays.fill(secret, (byte) 0);
        }
        return out;
    }

    /** RFC 8265 4.2 OpaqueString: width and space mapping, then NFC. */
    static String prepare(String password) {
        StringBuilder b = new StringBuilder(password.length());
        for (int i = 0; i < password.length(); i++) {
            char c = password.charAt(i);
            b.append(c != ' ' && Character.isSpaceChar(c) ? ' ' : c);
        }
        return Normalizer.normalize(b, Normalizer.Form.NFC);
    }
}
