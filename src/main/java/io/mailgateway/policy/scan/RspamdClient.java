package io.mailgateway.policy.scan;

import io.mailgateway.message.Envelope;
import io.mailgateway.message.Recipient;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.scan.RspamdReply.RspamdException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks rspamd's normal worker about one message over its HTTP protocol: {@code POST /checkv2},
 * the message as the body and the envelope as request headers (From, Rcpt once per recipient,
 * IP, Helo, User when authenticated, Queue-Id), so rspamd's SPF, rate-limit and per-user rules
 * see what the SMTP session saw. The body streams from the message's storage (pooled buffer or
 * spool file) with a fixed Content-Length: the message is never copied to the heap. Thread-safe.
 */
public final class RspamdClient {

    /** rspamd's replies are a few KiB; a larger one is not a reply we understand. */
    private static final int MAX_REPLY = 1 << 20;

    private final URI checkUri;
    private final Duration timeout;
    private final HttpClient http;

    public RspamdClient(String baseUrl, Duration timeout) {
        this.checkUri = URI.create(baseUrl.replaceAll("/+$", "") + "/checkv2");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** RSPAMD_URL: an absolute http or https URL. */
    static String checkUrl(String value) {
        try {
            URI uri = URI.create(value.trim());
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null ? null
                    : "must be an http:// or https:// URL with a host, got '" + value + "'";
        } catch (IllegalArgumentException e) {
            return "must be a URL such as http://127.0.0.1:11333, got '" + value + "'";
        }
    }

    public RspamdReply check(EndOfData message) throws RspamdException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(checkUri).timeout(timeout)
                .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> message.content().openReceived()),
                        message.content().receivedSize()));
        envelopeHeaders(request, message);
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RspamdException("rspamd at " + checkUri + " did not answer: " + e, e);
        }
        try (InputStream body = response.body()) {
            String text = new String(body.readNBytes(MAX_REPLY), StandardCharsets.UTF_8);
            if (response.statusCode() != 200) {
                throw new RspamdException("rspamd answered HTTP " + response.statusCode() + ": " + text.strip());
            }
            return RspamdReply.parse(text);
        } catch (IOException e) {
            throw new RspamdException("rspamd reply could not be read: " + e, e);
        }
    }

    private static void envelopeHeaders(HttpRequest.Builder request, EndOfData message) {
        Envelope envelope = message.envelope();
        if (!envelope.sender().isNull()) {
            request.header("From", envelope.sender().toString());
        }
        for (Recipient r : envelope.recipients()) {
            request.header("Rcpt", r.address());
        }
        if (envelope.client().address() != null) {
            request.header("IP", envelope.client().address());
        }
        if (envelope.client().helo() != null) {
            request.header("Helo", envelope.client().helo());
        }
        if (envelope.client().authUser() != null) {
            request.header("User", envelope.client().authUser());
        }
        if (message.queueId() != null) {
            request.header("Queue-Id", message.queueId());
        }
    }
}
