package io.mailgateway.policy.dkim;

import io.mailgateway.config.GatewayConfig;
import io.mailgateway.policy.dkim.DkimResult.Result;
import io.mailgateway.policy.dns.DnsResolver;
import io.mailgateway.policy.dns.DnsTemporaryException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Our own RFC 6376 verifier (with RFC 8301 and RFC 8463): reads the header section (at most
 * {@link #MAX_HEADER_BYTES}), then streams the body once through one hasher per signature, so a
 * large message is never held in memory. At most {@link #MAX_SIGNATURES} signatures, the top-most,
 * are verified; further ones are reported as neutral ("not verified").
 */
public final class DnsDkimVerifier implements DkimVerifier {

    public static final int MAX_SIGNATURES = 5;
    public static final int MAX_HEADER_BYTES = 1 << 20;
    /** Allowed clock skew for t= in the future, seconds. */
    static final long CLOCK_SKEW = 300;

    private final DkimKeyStore keys;
    private final LongSupplier epochSeconds;

    public DnsDkimVerifier(DkimKeyStore keys, LongSupplier epochSeconds) {
        this.keys = keys;
        this.epochSeconds = epochSeconds;
    }

    public DnsDkimVerifier(DkimKeyStore keys) {
        this(keys, () -> System.currentTimeMillis() / 1000);
    }

    /** DKIM_CACHE_ENABLED, DKIM_CACHE_MAX_ENTRIES, DKIM_CACHE_TTL. */
    public static DnsDkimVerifier fromConfig(GatewayConfig config, DnsResolver dns) {
        int entries = config.getBoolean("DKIM_CACHE_ENABLED") ? config.getInt("DKIM_CACHE_MAX_ENTRIES") : 0;
        return new DnsDkimVerifier(new DkimKeyStore(dns, entries, config.getLong("DKIM_CACHE_TTL")));
    }

    public DkimKeyStore keyStore() {
        return keys;
    }

    @Override
    public List<DkimResult> verify(InputStream message) throws IOException {
        InputStream in = message instanceof BufferedInputStream ? message : new BufferedInputStream(message, 65536);
        HeaderSection headers;
        try {
            headers = HeaderSection.read(in, MAX_HEADER_BYTES);
        } catch (HeaderSection.TooLargeException e) {
            return List.of(new DkimResult("", "", Result.PERMERROR, e.getMessage()));
        }
        List<HeaderSection.Field> fields = headers.all("dkim-signature");
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < Math.min(fields.size(), MAX_SIGNATURES); i++) {
            checks.add(Check.parse(fields.get(i), epochSeconds.getAsLong()));
        }
        if (fields.size() > MAX_SIGNATURES) { // one result for the rest: 60,000 of them made a 1 MB Authentication-Results
            checks.add(Check.done("", "", Result.NEUTRAL, (fields.size() - MAX_SIGNATURES) + " more signatures not verified: more than "
                    + MAX_SIGNATURES));
        }
        List<Check> hashing = checks.stream().filter(c -> c.result == null).toList();
        if (!hashing.isEmpty()) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                for (Check c : hashing) {
                    c.body.update(buf, 0, n);
                }
            }
        }
        List<DkimResult> results = new ArrayList<>(checks.size());
        for (Check c : checks) {
            results.add(c.result != null ? c.result : finish(c, headers));
        }
        return results;
    }

    private DkimResult finish(Check c, HeaderSection headers) {
        Signature sig = c.sig;
        byte[] bodyHash = c.body.finish();
        if (sig.length() >= 0 && c.body.canonicalLength() < sig.length()) {
            return c.result(Result.FAIL, "l= " + sig.length() + " is longer than the body");
        }
        DkimKeyStore.Lookup lookup;
        try {
            lookup = keys.lookup(sig.selector(), sig.domain());
        } catch (DnsTemporaryException e) {
            return c.result(Result.TEMPERROR, "key lookup: " + e.getMessage());
        }
        if (lookup.key() == null) {
            return c.result(Result.PERMERROR, lookup.error());
        }
        DkimKey key = lookup.key();
        String problem = keyProblem(sig, key);
        if (problem != null) {
            return c.result(Result.PERMERROR, problem);
        }
        DkimResult r;
        if (!MessageDigest.isEqual(bodyHash, sig.bodyHash())) {
            r = c.result(Result.FAIL, "body hash did not verify");
        } else {
            byte[] data = DkimCrypto.headerData(headers, sig.headers(), sig.headerCanon(), DkimCrypto.withoutB(c.field.raw()));
            r = verifies(sig, key, data) ? c.result(Result.PASS, null) : c.result(Result.FAIL, "signature did not verify");
        }
        if (key.testing() && r.result() != Result.PASS) {
            // RFC 6376 3.6.1 t=y: treat like unsigned mail even when the signature fails
            return c.result(Result.NEUTRAL, "key in testing mode (t=y): " + r.reason());
        }
        return r;
    }

    private static String keyProblem(Signature sig, DkimKey key) {
        if (!sig.algorithm().startsWith(key.type() + "-")) {
            return "key type k=" + key.type() + " does not fit a=" + sig.algorithm();
        }
        if (!key.hashes().isEmpty() && !key.hashes().contains("sha256")) {
            return "key h= does not allow sha256";
        }
        if (key.strict() && sig.identity() != null && !Signature.domainOf(sig.identity()).equals(sig.domain())) {
            return "key t=s: i= domain must be d= exactly";
        }
        return null;
    }

    private static boolean verifies(Signature sig, DkimKey key, byte[] headerData) {
        try {
            java.security.Signature v = DkimCrypto.verifierFor(sig.algorithm());
            v.initVerify(key.key());
            v.update(DkimCrypto.signedInput(sig.algorithm(), headerData));
            return v.verify(sig.signature());
        } catch (GeneralSecurityException e) {
            return false; // malformed signature value
        }
    }

    /** One signature being verified: parsed tags and its body hasher, or its result already. */
    private static final class Check {
        final HeaderSection.Field field;
        final Signature sig;
        final BodyHasher body;
        final DkimResult result;

        private Check(HeaderSection.Field field, Signature sig, DkimResult result) {
            this.field = field;
            this.sig = sig;
            this.body = sig == null ? null : new BodyHasher(sig.bodyCanon(), DkimCrypto.sha256(), sig.length());
            this.result = result;
        }

        static Check done(String domain, String selector, Result r, String reason) {
            return new Check(null, null, new DkimResult(domain, selector, r, reason));
        }

        static Check parse(HeaderSection.Field field, long now) {
            Signature sig;
            try {
                sig = Signature.parse(field.value());
            } catch (Signature.SignatureException e) {
                return done(e.domain, e.selector, Result.PERMERROR, e.getMessage());
            }
            if (sig.expires() >= 0 && sig.expires() < now) {
                return done(sig.domain(), sig.selector(), Result.FAIL, "signature expired (x=" + sig.expires() + ")");
            }
            if (sig.timestamp() > now + CLOCK_SKEW) {
                return done(sig.domain(), sig.selector(), Result.PERMERROR, "signature timestamp t= in the future");
            }
            return new Check(field, sig, null);
        }

        DkimResult result(Result r, String reason) {
            return new DkimResult(sig.domain(), sig.selector(), r, reason);
        }
    }
}
