package io.mailgateway.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Text output of the queue commands: a table for lists, a property sheet for {@code show}. */
final class QueueTable {

    private QueueTable() {
    }

    /** UTC to the second, e.g. 2026-11-29T06:10:00Z; "-" for no time. */
    static String time(long epochMs) {
        return epochMs <= 0 ? "-" : Instant.ofEpochMilli(epochMs).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String iso(long epochMs) {
        return epochMs <= 0 ? "" : Instant.ofEpochMilli(epochMs).toString();
    }

    static void print(PrintStream out, List<QueueEntry> entries, boolean dlq) {
        List<String[]> rows = new ArrayList<>();
        rows.add(dlq ? new String[] {"ID", "QUEUE", "ARRIVED (UTC)", "SIZE", "SENDER", "RECIPIENTS", "ATTEMPTS", "IN DLQ SINCE (UTC)", "REASON"}
                : new String[] {"ID", "ARRIVED (UTC)", "SIZE", "SENDER", "RECIPIENTS", "ATTEMPTS", "NEXT ATTEMPT (UTC)", "LAST ERROR"});
        for (QueueEntry e : entries) {
            String size = e.size() < 0 ? "?" : String.valueOf(e.size());
            String recipients = recipients(e.shownRecipients());
            rows.add(dlq ? new String[] {e.queueId(), e.queue(), time(e.receivedAt()), size, "<" + e.sender() + ">", recipients,
                String.valueOf(e.attempts()), time(e.sentAt()), e.deadLetterReason()}
                : new String[] {e.queueId(), time(e.receivedAt()), size, "<" + e.sender() + ">", recipients,
                String.valueOf(e.attempts()), e.scheduled() ? time(e.nextAttemptAt()) : "now", e.lastError()});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + width[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** At most three recipients in a table row; the rest as "+N more" (show and --json give all). */
    static String recipients(List<String> all) {
        return all.size() <= 3 ? String.join(",", all) : String.join(",", all.subList(0, 3)) + " +" + (all.size() - 3) + " more";
    }

    static void printDetails(PrintStream out, QueueEntry e) {
        out.printf("%s in %s (broker message %d)%n", e.queueId(), e.queue(), e.brokerMessageId());
        out.printf("  state:       %s%n", e.deadLetter() ? "given up: " + e.deadLetterReason()
                : e.scheduled() ? "waiting for retry at " + time(e.nextAttemptAt()) : "due for delivery now");
        out.printf("  arrived:     %s%n", time(e.receivedAt()));
        out.printf("  sender:      <%s>%n", e.sender());
        out.printf("  recipients:  %s%n", String.join(",", e.recipients()));
        out.printf("  %s %s%n", e.queue().startsWith("store.") ? "to store:   " : "to relay:   ", String.join(",", e.shownRecipients()));
        out.printf("  size:        %d%n", e.size());
        out.printf("  attempts:    %d%n", e.attempts());
        out.printf("  last error:  %s%n", e.lastError().isEmpty() ? "-" : e.lastError());
        out.println("  properties:");
        for (Map.Entry<String, Object> p : e.properties().entrySet()) {
            if (!p.getKey().equals("scheduled")) {
                out.printf("    %s = %s%n", p.getKey(), p.getValue());
            }
        }
    }

    /**
     * The header section of a message from the start of its body as the broker shows it. A
     * scheduled message has none (the broker's browse skips it until its time).
     */
    static void printHeaders(PrintStream out, boolean scheduled, byte[] preview) {
        out.println("  headers:");
        if (preview == null) {
            out.println(scheduled
                    ? "    (not shown: the broker shows no body of a message waiting for its scheduled retry; `queue retry ID` releases it)"
                    : "    (not shown: the broker gave no body preview)");
            return;
        }
        String text = new String(preview, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            end = text.indexOf("\n\n");
        }
        String headers = end < 0 ? text : text.substring(0, end);
        for (String line : headers.split("\r?\n", -1)) {
            out.println("    " + line);
        }
        if (end < 0) {
            out.println("    (cut after " + preview.length + " octets: the broker's management-message-attribute-size-limit)");
        }
    }
}
