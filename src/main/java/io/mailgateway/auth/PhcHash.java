package io.mailgateway.auth;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Argon2id hash in the PHC string format, as the users table keeps it:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}, salt and hash in unpadded standard Base64
 * (the PHC string format's B64). Parsing is strict and bounds the parameters, so a row somebody
 * edited cannot make one login cost gigabytes or minutes.
 */
record PhcHash(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {

    /** Argon2 version 1.3 (0x13), the only one we write or read. */
    static final int VERSION = 19;
    static final int MAX_MEMORY_KIB = 1 << 20; // 1 GiB
    static final int MAX_ITERATIONS = 64;
    static final int MAX_PARALLELISM = 16;

    private static final Pattern FORMAT = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=([0-9]{1,8}),t=([0-9]{1,3}),p=([0-9]{1,3})\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{22,88})");

    PhcHash {
        if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB || iterations < 1 || iterations > MAX_ITERATIONS
                || parallelism < 1 || parallelism > MAX_PARALLELISM || salt.length < 8 || hash.length < 16) {
            throw new IllegalArgumentException("Argon2id parameters out of range");
        }
    }

    /** The hash of a PHC string; an IllegalArgumentException for anything else. */
    static PhcHash parse(String phc) {
        Matcher m = FORMAT.matcher(phc == null ? "" : phc);
        if (!m.matches()) {
            throw new IllegalArgumentException("not an $argon2id$v=19$ PHC string");
        }
        Base64.Decoder b64 = Base64.getDecoder();
        return new PhcHash(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                b64.decode(m.group(4)), b64.decode(m.group(5)));
    }

    String encode() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=" + VERSION + "$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
                + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    boolean sameParameters(PasswordHasher.Params p) {
        return memoryKib == p.memoryKib() && iterations == p.iterations() && parallelism == p.parallelism();
    }
}
