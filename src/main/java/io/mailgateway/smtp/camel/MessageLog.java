package io.mailgateway.smtp.camel;

import io.mailgateway.message.Envelope;
import io.mailgateway.message.Recipient;
import io.mailgateway.reply.SmtpReply;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The one log line per message that reached end of data (docs/observability.md#logs): queue id,
 * client, sender, recipients, size, check results and latency. In text they read
 * {@code 7F3A...: accepted from=<a@b> ip=192.0.2.1 rcpts=2 to=<x@y>,<z@w>(relay) size=1234
 * results="spf=pass dkim=none dmarc=pass" in 12 ms}; the same fields also go into the logging
 * context (MDC), so LOG_FORMAT=json carries them as separate JSON fields.
 */
final class MessageLog {

    private MessageLog() {
    }

    static void accepted(Logger log, String queueId, Envelope envelope, long size, String results, long millis,
            boolean quarantined) {
        withFields(queueId, envelope, size, results, millis, "accepted", () -> log.info(
                "{}: accepted{} from=<{}> ip={} rcpts={} to={} size={} results=\"{}\" in {} ms", queueId,
                quarantined ? " (quarantine)" : "", envelope.sender(), envelope.client().address(),
                envelope.recipients().size(), recipients(envelope), size, results, millis));
    }

    static void refused(Logger log, String queueId, Envelope envelope, long size, String results, long millis,
            SmtpReply reply, String reason) {
        withFields(queueId, envelope, size, results, millis, "refused", () -> log.info(
                "{}: refused from=<{}> ip={} rcpts={} size={} results=\"{}\" in {} ms: {} ({})", queueId,
                envelope.sender(), envelope.client().address(), envelope.recipients().size(), size, results, millis,
                reply, reason));
    }

    private static void withFields(String queueId, Envelope envelope, long size, String results, long millis,
            String outcome, Runnable line) {
        MDC.put("queue_id", queueId);
        MDC.put("outcome", outcome);
        MDC.put("client", envelope.client().address());
        MDC.put("sender", envelope.sender().toString());
        MDC.put("recipients", Integer.toString(envelope.recipients().size()));
        MDC.put("size", Long.toString(size));
        MDC.put("results", results);
        MDC.put("latency_ms", Long.toString(millis));
        try {
            line.run();
        } finally {
            MDC.clear(); // worker threads are pooled: nothing may leak into the next message's lines
        }
    }

    /** "<a@x>,<b@y>(relay)". */
    private static String recipients(Envelope envelope) {
        StringBuilder b = new StringBuilder();
        for (Recipient r : envelope.recipients()) {
            b.append(b.length() == 0 ? "" : ",").append('<').append(r.mailbox()).append('>');
            if (r.isRelayed()) {
                b.append("(relay)");
            }
        }
        return b.toString();
    }
}
