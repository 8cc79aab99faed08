package io.mailgateway.policy;

import static io.mailgateway.reply.EnhancedStatus.of;

import io.mailgateway.message.Mailbox;
import io.mailgateway.message.Recipient;
import io.mailgateway.reply.SmtpReply;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session-phase checks of one SMTP listener, by phase, in the order they were added. Each
 * phase runs its checks in order and answers with the first verdict that refuses, or accept.
 * The session turns that verdict's reply into its answer; quarantine and headers have no meaning
 * before the message exists and are not carried from these phases (yet).
 * Thread-safe when its checks are; built once per listener.
 */
public final class PolicyChain {

    /** A connect check failed (threw): the client is told to come back, instead of the greeting (RFC 5321 3.1). */
    public static final SmtpReply CHECK_FAILED = SmtpReply.of(421, of(4, 3, 0), "Internal error, try again later").thenClose();

    private static final Logger LOG = LoggerFactory.getLogger(PolicyChain.class);

    private final List<ConnectCheck> connect;
    private final List<HeloCheck> helo;
    private final List<MailCheck> mail;
    private final List<RcptCheck> rcpt;

    private PolicyChain(Builder b) {
        this.connect = List.copyOf(b.connect);
        this.helo = List.copyOf(b.helo);
        this.mail = List.copyOf(b.mail);
        this.rcpt = List.copyOf(b.rcpt);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * At connect. On a refusal, or a check that throws, the checks that had accepted are told
     * {@link ConnectCheck#onDisconnect} at once: the session admits no connection that was not
     * accepted, so nothing else would give back what they counted (the per-client cap would
     * otherwise refuse that client for good after a few failures).
     */
    public Verdict connect(Connection client) {
        for (int i = 0; i < connect.size(); i++) {
            Verdict v;
            try {
                v = connect.get(i).onConnect(client);
            } catch (RuntimeException e) {
                LOG.warn("connect check {} failed for {}: {}", connect.get(i).getClass().getName(), client.address(), e.toString());
                v = Verdict.tempfail(CHECK_FAILED, "connect check failed: " + e);
            }
            if (v.refuses()) {
                connect.subList(0, i).forEach(c -> c.onDisconnect(client));
                return v;
            }
        }
        return Verdict.accept();
    }

    /** At the end of a connection that {@link #connect} accepted. */
    public void disconnect(Connection client) {
        connect.forEach(c -> c.onDisconnect(client));
    }

    public Verdict helo(Connection client) {
        return first(helo, c -> c.onHelo(client));
    }

    public Verdict mail(Connection client, Mailbox sender) {
        return first(mail, c -> c.onMail(client, sender));
    }

    public Verdict rcpt(Connection client, Mailbox sender, Recipient recipient) {
        return first(rcpt, c -> c.onRcpt(client, sender, recipient));
    }

    private static <C> Verdict first(List<C> checks, Function<C, Verdict> run) {
        for (C check : checks) {
            Verdict v = run.apply(check);
            if (v.refuses()) {
                return v;
            }
        }
        return Verdict.accept();
    }

    /** Adds each check to every phase whose interface it implements. */
    public static final class Builder {
        private final List<ConnectCheck> connect = new ArrayList<>();
        private final List<HeloCheck> helo = new ArrayList<>();
        private final List<MailCheck> mail = new ArrayList<>();
        private final List<RcptCheck> rcpt = new ArrayList<>();

        public Builder add(Object check) {
            // '|', not '||': a check may serve several phases
            boolean any = addTo(connect, ConnectCheck.class, check) | addTo(helo, HeloCheck.class, check)
                    | addTo(mail, MailCheck.class, check) | addTo(rcpt, RcptCheck.class, check);
            if (!any) {
                throw new IllegalArgumentException(check.getClass().getName()
                        + " is no ConnectCheck, HeloCheck, MailCheck or RcptCheck");
            }
            return this;
        }

        private static <C> boolean addTo(List<C> phase, Class<C> type, Object check) {
            if (!type.isInstance(check)) {
                return false;
            }
            phase.add(type.cast(check));
            return true;
        }

        public PolicyChain build() {
            return new PolicyChain(this);
        }
    }
}
