package io.mailgateway.benchmark;

import io.mailgateway.message.Client;
import io.mailgateway.message.Disposition;
import io.mailgateway.message.Envelope;
import io.mailgateway.message.EnvelopeCodec;
import io.mailgateway.message.Mailbox;
import io.mailgateway.message.Recipient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The envelope on every broker message ({@link EnvelopeCodec}): encoded once at acceptance, decoded
 * once by each store and by delivery, so its cost is paid several times per message. A typical
 * envelope: sender with ESMTP parameters, one local and one relayed recipient, a TLS client.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EnvelopeCodecBenchmark {

    private Envelope envelope;
    private String json;

    @Setup
    public void setUp() {
        envelope = new Envelope(Mailbox.of("alice.smith+news@example.org"), Map.of("BODY", "8BITMIME", "SIZE", "48213"),
                List.of(Recipient.of(Mailbox.of("bob@example.com"), Disposition.LOCAL),
                        new Recipient("Carol@Relay.example.net", Mailbox.of("Carol@relay.example.net"), Disposition.RELAY,
                                Map.of("NOTIFY", "FAILURE,DELAY"))),
                new Client("192.0.2.17", "mx.example.org", "TLSv1.3 TLS_AES_128_GCM_SHA256", null));
        json = EnvelopeCodec.encode(envelope);
        if (!EnvelopeCodec.decode(json).equals(envelope)) {
            throw new IllegalStateException("envelope does not round-trip: " + json);
        }
    }

    @Benchmark
    public String encode() {
        return EnvelopeCodec.encode(envelope);
    }

    @Benchmark
    public Envelope decode() {
        return EnvelopeCodec.decode(json);
    }
}
