package io.mailgateway.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The verdicts of the end-of-data checks on one message, in the order the checks ran, and the
 * one decision drawn from them ({@link #decide()}). Not thread-safe: one per message.
 */
public final class Verdicts {

    /** A verdict and the name of the route step that gave it (for the log). */
    public record Entry(String check, Verdict verdict) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public void add(String check, Verdict verdict) {
        entries.add(new Entry(check, verdict));
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Whether a check already refused: later checks need not run. */
    public boolean refused() {
        for (Entry e : entries) {
            if (e.verdict().refuses()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every reported result, in the order the checks ran. Every check step asks for them, on
     * every message, so this is a plain loop, and no list is made when no check reported one.
     */
    public List<AuthResult> results() {
        List<AuthResult> all = null;
        for (Entry e : entries) {
            List<AuthResult> reported = e.verdict().results();
            if (!reported.isEmpty()) {
                if (all == null) {
                    all = new ArrayList<>();
                }
                all.addAll(reported);
            }
        }
        return all == null ? List.of() : Collections.unmodifiableList(all);
    }

    /**
     * The outcome: the first refusal (reject or tempfail) as it is, since the message is not
     * taken and nothing else matters; else quarantine if any check asked for it; else accept.
     * A message taken carries every check's headers and results, in check order.
     */
    public Verdict decide() {
        for (Entry e : entries) {
            if (e.verdict().refuses()) {
                return e.verdict();
            }
        }
        List<Entry> quarantines = entries.stream().filter(e -> e.verdict().action() == Verdict.Action.QUARANTINE).toList();
        String reason = quarantines.isEmpty() ? null
                : quarantines.stream().map(e -> e.check() + ": " + e.verdict().reason()).collect(Collectors.joining("; "));
        List<Verdict.Header> headers = entries.stream().flatMap(e -> e.verdict().headers().stream()).toList();
        return new Verdict(quarantines.isEmpty() ? Verdict.Action.ACCEPT : Verdict.Action.QUARANTINE, null, reason,
                headers, results());
    }

    /** Which check refused, for the log; null when none did. */
    public String refusedBy() {
        return entries.stream().filter(e -> e.verdict().refuses()).map(Entry::check).findFirst().orElse(null);
    }
}
