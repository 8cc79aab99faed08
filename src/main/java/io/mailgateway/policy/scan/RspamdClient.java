package io.mailgateway.policy.scan;

import io.mailgateway.message.Envelope;
import io.mailgateway.message.Recipient;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.scan.RspamdReply.RspamdException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks rspamd's normal worker about one message over its HTTP protocol: {@code POST /checkv2},
 * the message as the body and the envelope as request headers (From, Rcpt once per recipient,
 * IP, Helo, User when authenticated, Queue-Id), so rspamd's SPF, rate-limit and per-user rules
 * see what the SMTP session saw. The body streams from the message's storage (pooled buffer or
 * spool file) with a fixed Content-Length: the message is never copied to the heap. SPAM_TIMEOUT
 * bounds the whole exchange, the reply's body included. Thread-safe.
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
        // The request's own timeout ends at the response headers; a body that then stalls would
        // hold the route thread for ever, so the whole exchange is bounded here and cancelled.
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request.build(), info -> new LimitedBody());
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new RspamdException("rspamd at " + checkUri + " gave no whole reply within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new RspamdException("rspamd at " + checkUri + " did not answer: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        }
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() != 200) {
            throw new RspamdException("rspamd answered HTTP " + response.statusCode() + ": " + text.strip());
        }
        return RspamdReply.parse(text);
    }

    private static void envelopeHeaders(HttpRequest.Builder request, EndOfData message) {
        Envelope envelope = message.envelope();
        if (!envelope.sender().isNull()) {
            header(request, "From", envelope.sender().toString());
        }
        for (Recipient r : envelope.recipients()) {
            header(request, "Rcpt", r.address());
        }
        header(request, "IP", envelope.client().address());
        header(request, "Helo", envelope.client().helo());
        header(request, "User", envelope.client().authUser());
        header(request, "Queue-Id", message.queueId());
    }

    /**
     * Adds a header whose value is printable ASCII, and leaves out any other. An SMTPUTF8 address
     * (RFC 6531) cannot be sent: the JDK client refuses octets over 127 in a header value (an
     * IllegalArgumentException) and rspamd decodes no encoded form of From or Rcpt. Without them
     * rspamd takes the addresses from the message's own header fields, which it still sees.
     */
    private static void header(HttpRequest.Builder request, String name, String value) {
        if (value != null && value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            request.header(name, value);
        }
    }

    /** Collects the reply up to {@link #MAX_REPLY} octets; a larger one fails the exchange. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                if (bytes.size() + b.remaining() > MAX_REPLY) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("rspamd reply larger than " + MAX_REPLY + " octets"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable e) {
            body.completeExceptionally(e);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
