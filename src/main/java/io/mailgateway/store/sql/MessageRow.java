package io.mailgateway.store.sql;

/**
 * One row of {@code messages}. Exactly one of {@code body} (kept inline) and {@code bodyRef}
 * (a blob reference such as {@code file:2026/11/29/ID.eml}) is set.
 */
record MessageRow(String queueId, long receivedAt, String sender, String recipients, String subject,
                  long size, String clientIp, String helo, String authResults, boolean quarantined, byte[] body, String bodyRef,
                  String envelope, Double spamScore, String spamVerdict) {
}
