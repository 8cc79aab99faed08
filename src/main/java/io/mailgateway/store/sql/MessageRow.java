package io.mailgateway.store.sql;

/**
 * One row of {@code messages}. Exactly one of {@code body} (kept inline) and {@code bodyRef}
 * (a blob reference such as {@code file:2026/11/29/ID.eml}) is set. {@code recipients} are the
 * addresses in SMTP form: the column "recipients" gets them as a JSON array, and each gets its
 * row in {@code message_recipients}.
 */
record MessageRow(String queueId, long receivedAt, String sender, java.util.List<String> recipients, String subject,
                  long size, String clientIp, String helo, String authResults, boolean quarantined, byte[] body, String bodyRef,
                  String envelope, Double spamScore, String spamVerdict) {

    /** Column "recipients": a JSON array of addresses, e.g. ["bob@example.com","carol@relay.test"]. */
    String recipientsJson() {
        org.apache.camel.util.json.JsonArray a = new org.apache.camel.util.json.JsonArray();
        a.addAll(recipients);
        return a.toJson();
    }
}
