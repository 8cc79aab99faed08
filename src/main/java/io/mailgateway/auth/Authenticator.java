package io.mailgateway.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a user name and password from AUTH (RFC 4954) against the users table and decides:
 * {@link AuthOutcome} SUCCESS, FAILED (with the delay before the 535), BLOCKED or
 * TEMPORARY_FAILURE. Each decision is counted and written to the audit log.
 *
 * <p>Runs Argon2 (tens of milliseconds of CPU): call it from a worker thread, never from a
 * Netty event loop. Thread-safe.
 *
 * <p>Order of the checks: a blocked client or account is refused before any work
 * ({@link AuthLimiter}); an unknown user costs the same Argon2 work as a known one (a dummy
 * verification), and a disabled user's password is verified too, so the time taken does not say
 * which accounts exist or are disabled; the reply never does either.
 */
public final class Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    private final UserDirectory users;
    private final PasswordHasher hasher;
    private final AuthLimiter limiter;
    private final AuditLog audit;
    private final AuthMetrics metrics;

    Authenticator(UserDirectory users, PasswordHasher hasher, AuthLimiter limiter, AuditLog audit, AuthMetrics metrics) {
        this.users = users;
        this.hasher = hasher;
        this.limiter = limiter;
        this.audit = audit;
        this.metrics = metrics;
    }

    /**
     * @param mechanism the SASL mechanism the credentials came with (metrics, audit)
     * @param username  as the client sent it (an address; canonicalized here)
     * @param client    the client's address (the limiter's key, the audit row's "from where")
     */
    public AuthOutcome authenticate(Sasl.Mechanism mechanism, String username, String password, InetAddress client) {
        String from = client.getHostAddress();
        Optional<String> account = UserStore.canonical(username);
        // Chosen by the client: no line breaks into our log lines, bounded length.
        String actor = AuditLog.clean(account.orElse(username));
        Optional<Duration> blocked = limiter.blockedFor(client, account.orElse(null));
        if (blocked.isPresent()) {
            metrics.attempt(mechanism, AuthMetrics.Result.BLOCKED);
            audit.append(actor, "auth.refused", mechanism.label() + ": blocked for " + blocked.get().toSeconds() + " s more", from);
            return AuthOutcome.blocked(blocked.get());
        }
        Optional<User> user;
        try {
            user = account.isPresent() ? users.find(account.get()) : Optional.empty();
        } catch (UserDirectory.Unavailable e) {
            LOG.warn("AUTH {} from {}: {}", actor, from, e.getMessage());
            metrics.attempt(mechanism, AuthMetrics.Result.TEMPFAIL);
            audit.append(actor, "auth.tempfail", mechanism.label() + ": users database unavailable", from);
            return AuthOutcome.temporaryFailure();
        }
        String reason = check(user, password);
        if (reason == null) {
            return succeeded(mechanism, user.get(), password, client);
        }
        return failed(mechanism, actor, account.orElse(null), user.isPresent(), reason, client);
    }

    /** Null when the password is right for an enabled user; else why not (for the audit log only). */
    private String check(Optional<User> user, String password) {
        if (user.isEmpty()) {
            hasher.verifyDummy(password);
            return "unknown user";
        }
        boolean matches = hasher.verify(password, user.get().passwordHash());
        if (!matches) {
            return "wrong password";
        }
        return user.get().enabled() ? null : "account disabled";
    }

    private AuthOutcome succeeded(Sasl.Mechanism mechanism, User user, String password, InetAddress client) {
        String from = client.getHostAddress();
        limiter.recordSuccess(user.address(), client);
        metrics.attempt(mechanism, AuthMetrics.Result.SUCCESS);
        audit.append(user.address(), "auth.success", mechanism.label(), from);
        if (hasher.needsRehash(user.passwordHash())) {
            rehash(user, password);
        }
        return AuthOutcome.success(user);
    }

    private AuthOutcome failed(Sasl.Mechanism mechanism, String actor, String account, boolean exists, String reason,
                               InetAddress client) {
        String from = client.getHostAddress();
        metrics.attempt(mechanism, AuthMetrics.Result.FAILURE);
        audit.append(actor, "auth.failure", mechanism.label() + ": " + reason, from);
        AuthLimiter.Failure failure = limiter.recordFailure(client, account, exists);
        if (failure.blockedFor().isPresent()) {
            Duration block = failure.blockedFor().get();
            metrics.block(failure.blockedScope());
            String blockedWho = "client".equals(failure.blockedScope()) ? from : actor;
            audit.append(blockedWho, "auth.block", failure.blockedScope() + " blocked for " + block.toSeconds() + " s after repeated failures", from);
            LOG.warn("AUTH: {} {} blocked for {} s after repeated failures", failure.blockedScope(), blockedWho, block.toSeconds());
            return AuthOutcome.blocked(block);
        }
        return AuthOutcome.failed(failure.delay());
    }

    /** A hash made with older parameters is replaced at a successful login, the one time the password is known. */
    private void rehash(User user, String password) {
        try {
            users.store().setPassword(user.address(), hasher.hash(password));
            users.invalidate(user.address());
            audit.append("gateway", "user.rehash", user.address() + ": password hash renewed (Argon2id parameters changed)", null);
            LOG.info("AUTH: password hash of {} renewed with today's Argon2id parameters", user.address());
        } catch (java.sql.SQLException e) {
            LOG.warn("AUTH: could not renew the password hash of {}: {}", user.address(), e.getMessage());
        }
    }
}
