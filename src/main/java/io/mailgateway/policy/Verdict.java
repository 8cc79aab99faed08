package io.mailgateway.policy;

import io.mailgateway.reply.SmtpReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one policy check decided about one step of a mail transaction, in the manner of Apache
 * James hooks (OK / DENY / DENYSOFT) and maddy checks ({@code Reject, Quarantine, AuthResult,
 * Header}): accept, reject with a 5xx reply, tempfail with a 4xx reply, or quarantine (accept,
 * but store flagged); plus header fields to add to the message and results to report in
 * Authentication-Results (RFC 8601). Immutable; build with the factory methods, then
 * {@link #withHeader} and {@link #withResult}.
 *
 * @param action  what should happen
 * @param reply   the client's reply for REJECT (5xx) and TEMPFAIL (4xx), null otherwise
 * @param reason  why, for the log (never shown to the client); null for a plain accept
 * @param headers header fields to prepend to the message if it is accepted
 * @param results authentication results to report (RFC 8601 method=result ...)
 */
public record Verdict(Action action, SmtpReply reply, String reason, List<Header> headers, List<AuthResult> results) {

    /** Ordered from mild to severe. */
    public enum Action { ACCEPT, QUARANTINE, TEMPFAIL, REJECT }

    /** One header field to add, {@code Name: value}; a value never holds CR or LF (no injected fields). */
    public record Header(String name, String value) {
        public Header {
            // RFC 5322 2.2: a field name is printable US-ASCII except ':'
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                throw new IllegalArgumentException("not a header field name: " + name);
            }
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header field value with CR or LF: " + name);
            }
        }

        /** Wire form, ending in CRLF. */
        public String toField() {
            return name + ": " + value + "\r\n";
        }
    }

    private static final Verdict ACCEPT = new Verdict(Action.ACCEPT, null, null, List.of(), List.of());

    public Verdict {
        Objects.requireNonNull(action, "action");
        boolean refusal = action == Action.REJECT || action == Action.TEMPFAIL;
        if (refusal != (reply != null)) {
            throw new IllegalArgumentException(action + (refusal ? " needs a reply" : " takes no reply"));
        }
        if (action == Action.REJECT && !reply.isPermanent()) {
            throw new IllegalArgumentException("a reject needs a 5xx reply: " + reply);
        }
        if (action == Action.TEMPFAIL && !reply.isTransient()) {
            throw new IllegalArgumentException("a tempfail needs a 4xx reply: " + reply);
        }
        headers = List.copyOf(headers);
        results = List.copyOf(results);
    }

    /** Nothing against it. */
    public static Verdict accept() {
        return ACCEPT;
    }

    /** Refuse for good: the client must not retry (a 5xx reply). */
    public static Verdict reject(SmtpReply reply, String reason) {
        return new Verdict(Action.REJECT, reply, reason, List.of(), List.of());
    }

    /** Refuse for now: the client keeps the message and retries (a 4xx reply, RFC 5321 4.5.4.1). */
    public static Verdict tempfail(SmtpReply reply, String reason) {
        return new Verdict(Action.TEMPFAIL, reply, reason, List.of(), List.of());
    }

    /** Accept, but store the message flagged (the Maildir Junk folder, the SQL column). */
    public static Verdict quarantine(String reason) {
        return new Verdict(Action.QUARANTINE, null, reason, List.of(), List.of());
    }

    public Verdict withHeader(String name, String value) {
        List<Header> more = new ArrayList<>(headers);
        more.add(new Header(name, value));
        return new Verdict(action, reply, reason, more, results);
    }

    public Verdict withResult(AuthResult result) {
        List<AuthResult> more = new ArrayList<>(results);
        more.add(result);
        return new Verdict(action, reply, reason, headers, more);
    }

    /** REJECT or TEMPFAIL: the message (or command) is not taken. */
    public boolean refuses() {
        return reply != null;
    }

    public boolean isAccept() {
        return action == Action.ACCEPT;
    }
}
