/**
 * Users and AUTH (RFC 4954) below the SMTP session; never imports {@code smtp}.
 *
 * <p>How the session uses it (beans bound by {@link io.mailgateway.auth.AuthBeans}):
 * <ol>
 *   <li>EHLO under TLS advertises {@code AUTH PLAIN LOGIN}; AUTH without TLS gets
 *       {@link io.mailgateway.auth.AuthReplies#ENCRYPTION_REQUIRED}, an unknown mechanism
 *       ({@link io.mailgateway.auth.Sasl.Mechanism#of} empty)
 *       {@link io.mailgateway.auth.AuthReplies#UNKNOWN_MECHANISM}, AUTH after success or in a
 *       transaction {@link io.mailgateway.auth.AuthReplies#ALREADY_AUTHENTICATED}.</li>
 *   <li>Each client line goes through {@link io.mailgateway.auth.Sasl} ({@code plainInitial},
 *       {@code plainResponse}, {@code loginInitial}, {@code loginUsername}, {@code loginPassword});
 *       the {@link io.mailgateway.auth.SaslStep} says what next: send a 334 challenge, end with
 *       {@link io.mailgateway.auth.SaslStep#reply()} when {@code isRefusal()}, or go on with
 *       the credentials.</li>
 *   <li>Credentials go to bean "authenticator",
 *       {@link io.mailgateway.auth.Authenticator#authenticate}, on a worker thread (it runs
 *       Argon2 and may query the database); the {@link io.mailgateway.auth.AuthOutcome} gives
 *       the reply, and for FAILED the delay to schedule before sending it (on the event loop's
 *       timer, not by sleeping a thread).</li>
 *   <li>At MAIL of an authenticated session, bean "senderPolicy",
 *       {@link io.mailgateway.auth.SenderPolicy#maySendAs(io.mailgateway.auth.User, io.mailgateway.message.Mailbox)}
 *       with the user of the SUCCESS outcome; false is
 *       {@link io.mailgateway.auth.AuthReplies#SENDER_NOT_OWNED}.</li>
 * </ol>
 */
package io.mailgateway.auth;
