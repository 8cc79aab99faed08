package io.mailgateway.policy.scan;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.policy.Verdict;
import io.mailgateway.policy.Verdicts;
import io.mailgateway.policy.camel.CheckStep;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Route step {@code spamCheck}: the {@link SpamCheck} as a {@link CheckStep} (it records its verdict
 * like every check), plus its score and verdict as the message properties
 * {@link MailHeaders#SPAM_SCORE} and {@link MailHeaders#SPAM_VERDICT}, which the SQL store writes
 * to its columns {@code spam_score} and {@code spam_verdict}. Taken from the header fields the
 * check adds, so the columns always say what the stored message says.
 */
public final class SpamColumns implements Processor {

    private final String name;
    private final CheckStep step;

    public SpamColumns(String name, SpamCheck check) {
        this.name = name;
        this.step = new CheckStep(name, check);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        step.process(exchange);
        Verdicts verdicts = exchange.getProperty(CheckStep.VERDICTS, Verdicts.class);
        if (verdicts == null) {
            return;
        }
        for (Verdicts.Entry entry : verdicts.entries()) {
            if (entry.check().equals(name)) {
                for (Verdict.Header h : entry.verdict().headers()) {
                    if (h.name().equals(SpamCheck.SCORE_FIELD)) {
                        exchange.getIn().setHeader(MailHeaders.SPAM_SCORE, h.value());
                    } else if (h.name().equals(SpamCheck.STATUS_FIELD)) {
                        exchange.getIn().setHeader(MailHeaders.SPAM_VERDICT, verdictOf(h.value()));
                    }
                }
            }
        }
    }

    /** "Yes, score=..." → spam, "No, ..." → clean, "Unknown, not scanned ..." → unscanned. */
    static String verdictOf(String status) {
        String first = status.split(",", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (first) {
            case "yes" -> "spam";
            case "no" -> "clean";
            default -> "unscanned";
        };
    }
}
