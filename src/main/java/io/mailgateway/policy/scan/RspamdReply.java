package io.mailgateway.policy.scan;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.util.json.DeserializationException;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;

/**
 * rspamd's answer to {@code POST /checkv2} (its "protocol v2" JSON): the score, the score of its
 * own reject action ({@code required_score}), the action it recommends ({@code no action},
 * {@code greylist}, {@code add header}, {@code rewrite subject}, {@code soft reject},
 * {@code reject}) and the symbols that matched, by name (for the log).
 */
public record RspamdReply(double score, double requiredScore, String action, List<String> symbols) {

    public RspamdReply {
        symbols = List.copyOf(symbols);
    }

    /** Parses the JSON body; a body without a numeric score and an action is an engine error. */
    public static RspamdReply parse(String json) throws RspamdException {
        Object parsed;
        try {
            parsed = Jsoner.deserialize(json);
        } catch (DeserializationException e) {
            throw new RspamdException("rspamd reply is not JSON: " + e.getMessage());
        }
        if (!(parsed instanceof JsonObject o)) {
            throw new RspamdException("rspamd reply is not a JSON object");
        }
        if (o.get("error") != null) {
            throw new RspamdException("rspamd error: " + o.get("error"));
        }
        if (!(o.get("score") instanceof BigDecimal score) || !(o.get("action") instanceof String action)) {
            throw new RspamdException("rspamd reply without score or action: " + abbreviate(json));
        }
        double required = o.get("required_score") instanceof BigDecimal r ? r.doubleValue() : Double.NaN;
        List<String> symbols = o.get("symbols") instanceof Map<?, ?> m
                ? m.keySet().stream().map(String::valueOf).sorted().toList() : List.of();
        return new RspamdReply(score.doubleValue(), required, action.toLowerCase(Locale.ROOT), symbols);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** What went wrong asking rspamd: unreachable, timed out, HTTP error or an unreadable reply. */
    public static final class RspamdException extends Exception {
        public RspamdException(String message) {
            super(message);
        }

        public RspamdException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
