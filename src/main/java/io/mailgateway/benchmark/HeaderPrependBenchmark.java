package io.mailgateway.benchmark;

import io.mailgateway.message.Client;
import io.mailgateway.message.Disposition;
import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.Mailbox;
import io.mailgateway.message.MessageContent;
import io.mailgateway.message.Recipient;
import io.mailgateway.policy.AuthResult;
import io.mailgateway.policy.Verdict;
import io.mailgateway.policy.Verdicts;
import io.mailgateway.policy.camel.AuthenticationResults;
import io.mailgateway.policy.camel.CheckStep;
import io.mailgateway.smtp.camel.ReceivedHeader;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The trace fields the inbound route prepends to a received 16 KiB message: the route steps
 * {@link ReceivedHeader} (RFC 5321 4.4) and {@link AuthenticationResults} (RFC 8601: scan the
 * header section for forged fields, then one field from the checks' results), each a
 * {@link MessageContent#withPrefix} view that never copies the body.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeaderPrependBenchmark {

    static final String AUTHSERV_ID = "mx.gateway.test";

    private CamelContext camel;
    private Exchange exchange;
    private MessageContent received;
    private final ReceivedHeader receivedHeader = new ReceivedHeader(AUTHSERV_ID);
    private final AuthenticationResults authenticationResults = new AuthenticationResults(AUTHSERV_ID);

    @Setup
    public void setUp() throws Exception {
        camel = new DefaultCamelContext(); // not started: the steps need only an exchange of it
        received = MessageContent.inBuffer(Unpooled.directBuffer().writeBytes(SampleMessage.message(16 * 1024)));
        exchange = new DefaultExchange(camel);
        Message in = exchange.getIn();
        // what the SMTP listener puts on the exchange at end of data
        EnvelopeCodec.write(in, new Envelope(Mailbox.of("alice@example.com"), Map.of("BODY", "8BITMIME"),
                List.of(Recipient.of(Mailbox.of("bob@example.net"), Disposition.LOCAL)),
                new Client("192.0.2.10", "relay.example.org", "TLSv1.3 TLS_AES_128_GCM_SHA256", null)));
        in.setHeader(MailHeaders.RECEIVED_AT, 1_796_065_200_000L);
        in.setHeader(MailHeaders.PROTOCOL, "ESMTPS");
        in.setHeader(MailHeaders.QUEUE_ID, "4Xk2Lq0bNzAbCd");
        // what the SPF, DKIM and DMARC steps leave for the Authentication-Results step
        Verdicts verdicts = new Verdicts();
        verdicts.add("spf", Verdict.accept().withResult(AuthResult.of("spf", "pass").with("smtp.mailfrom", "example.com")));
        verdicts.add("dkim", Verdict.accept().withResult(AuthResult.of("dkim", "pass").with("header.d", "example.com")
                .with("header.s", "sel2026")));
        verdicts.add("dmarc", Verdict.accept().withResult(AuthResult.of("dmarc", "pass").withComment("p=reject dis=none")
                .with("header.from", "example.com")));
        exchange.setProperty(CheckStep.VERDICTS, verdicts);
        String head = head(prependTraceFields());
        // the route runs Received first, so the Authentication-Results field ends up on top
        if (!head.startsWith("Authentication-Results: " + AUTHSERV_ID + ";")
                || !head.contains("\r\nReceived: from relay.example.org ([192.0.2.10])\r\n")) {
            throw new IllegalStateException("unexpected trace fields:\n" + head);
        }
    }

    @TearDown
    public void tearDown() {
        received.release(); // the context was never started: nothing of it to stop
    }

    /** @return the message view with both fields in front (shares the received message's buffer) */
    @Benchmark
    public MessageContent prependTraceFields() throws Exception {
        Message in = exchange.getIn();
        in.setBody(received);
        in.removeHeader(MailHeaders.AUTH_RESULTS);
        receivedHeader.process(exchange);
        authenticationResults.process(exchange);
        return in.getBody(MessageContent.class);
    }

    private static String head(MessageContent content) throws IOException {
        try (InputStream in = content.openStream()) {
            return new String(in.readNBytes(600), StandardCharsets.US_ASCII);
        }
    }
}
