package io.mailgateway.policy.scan;

import io.mailgateway.policy.DataCheck;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.Verdict;
import io.mailgateway.policy.scan.RspamdReply.RspamdException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-of-data check {@code spamCheck}: rspamd's score against our two thresholds.
 * <ul>
 * <li>score at or above SPAM_REJECT_THRESHOLD → reject 550 5.7.1;</li>
 * <li>at or above SPAM_THRESHOLD → quarantine (stored flagged);</li>
 * <li>else accept.</li>
 * </ul>
 * rspamd's own action counts too, as a floor for the score: {@code reject} (its threshold, or a
 * pre-filter such as GTUBE or a multimap rule that rejects without scoring: "passthrough") and
 * {@code discard} count as at least SPAM_REJECT_THRESHOLD, {@code add header} /
 * {@code rewrite subject} / {@code quarantine} as at least SPAM_THRESHOLD, and {@code soft reject} (its rate limits, greylisting) is a tempfail
 * 451 4.7.1. So a rule the rspamd operator made decisive stays decisive, and our thresholds decide
 * everything else. Every scanned message gets {@code X-Spam-Score} and {@code X-Spam-Status}.
 * rspamd down, slow or erroring (or its breaker open): SPAM_FAIL_ACTION. Off when SPAM_CHECK_ENABLED=false.
 */
public final class SpamCheck implements DataCheck {

    /** Header fields added to the message (and read by {@link SpamColumns} for the SQL store). */
    public static final String SCORE_FIELD = "X-Spam-Score";
    public static final String STATUS_FIELD = "X-Spam-Status";

    private static final Logger LOG = LoggerFactory.getLogger(SpamCheck.class);

    private final boolean enabled;
    private final RspamdClient rspamd;
    private final double threshold;
    private final double rejectThreshold;
    private final FailAction failAction;
    private final CircuitBreaker breaker;
    private final ScanMetrics metrics;

    public SpamCheck(boolean enabled, RspamdClient rspamd, double threshold, double rejectThreshold, FailAction failAction,
                     CircuitBreaker breaker, ScanMetrics metrics) {
        this.enabled = enabled;
        this.rspamd = rspamd;
        this.threshold = threshold;
        this.rejectThreshold = rejectThreshold;
        this.failAction = failAction;
        this.breaker = breaker;
        this.metrics = metrics;
    }

    @Override
    public Verdict onData(EndOfData message) throws InterruptedException {
        if (!enabled) {
            return Verdict.accept();
        }
        if (!breaker.tryAcquire()) {
            metrics.spam(ScanMetrics.BREAKER_OPEN);
            return unavailable(message, "rspamd breaker open");
        }
        RspamdReply reply = null;
        String error = "interrupted or failed unexpectedly";
        try {
            reply = rspamd.check(message);
        } catch (RspamdException e) {
            error = e.getMessage();
        } finally {
            // Whatever ended the call, it counts: a probe left open would refuse every later message.
            if (reply != null) {
                breaker.success();
            } else if (breaker.failure()) {
                LOG.warn("rspamd circuit breaker opened: {}", error);
            }
        }
        if (reply == null) {
            metrics.spam(ScanMetrics.ERROR);
            return unavailable(message, error);
        }
        return verdict(message.queueId(), reply);
    }

    /** Our verdict on rspamd's reply (package-private for the unit test of the mapping). */
    Verdict verdict(String queueId, RspamdReply reply) {
        double score = effectiveScore(reply);
        String why = String.format(Locale.ROOT, "rspamd score %.2f action '%s' symbols %s", reply.score(), reply.action(),
                reply.symbols());
        boolean spam = score >= threshold;
        String status = String.format(Locale.ROOT, "%s, score=%.2f required=%.2f", spam ? "Yes" : "No", score, threshold);
        Verdict verdict;
        if ("soft reject".equals(reply.action()) && score < rejectThreshold) {
            metrics.spam(ScanMetrics.TEMPFAIL);
            verdict = Verdict.tempfail(ScanReplies.SPAM_SOFT_REJECT, why);
        } else if (score >= rejectThreshold) {
            metrics.spam(ScanMetrics.REJECT);
            verdict = Verdict.reject(ScanReplies.SPAM_REJECT, why);
        } else if (spam) {
            metrics.spam(ScanMetrics.QUARANTINE);
            verdict = Verdict.quarantine(why);
        } else {
            metrics.spam(ScanMetrics.CLEAN);
            verdict = Verdict.accept();
        }
        LOG.debug("{}: spam {} ({})", queueId, status, why);
        return verdict.withHeader(SCORE_FIELD, String.format(Locale.ROOT, "%.2f", score)).withHeader(STATUS_FIELD, status);
    }

    /** The score, raised to the threshold rspamd's own action stands for. */
    private double effectiveScore(RspamdReply reply) {
        return switch (reply.action()) {
            case "reject", "discard" -> Math.max(reply.score(), rejectThreshold);
            case "add header", "rewrite subject", "quarantine" -> Math.max(reply.score(), threshold);
            default -> reply.score();
        };
    }

    private Verdict unavailable(EndOfData message, String why) {
        if (failAction == FailAction.TEMPFAIL) {
            return Verdict.tempfail(ScanReplies.SPAM_UNAVAILABLE, why);
        }
        LOG.info("{}: accepted without spam scan ({})", message.queueId(), why);
        return Verdict.accept().withHeader(STATUS_FIELD, "Unknown, not scanned (spam scanner unavailable)");
    }
}
