package io.mailgateway.policy.spf;

/**
 * An SPF result with what Authentication-Results and Received-SPF need: the identity checked
 * ("mailfrom", or "helo" for the null reverse-path), the domain checked (smtp.mailfrom= / smtp.helo=),
 * the explanation of a fail (RFC 7208 6.2; null when none) and a reason for the log (null when none).
 */
public record SpfOutcome(SpfResult result, String identity, String domain, String explanation, String reason) {
}
