package io.mailgateway.policy.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A lookup answered at once must not leave its timeout and resend tasks queued for the whole
 * DNS_TIMEOUT, holding the lookup (query and response): at N lookups a second, N x DNS_TIMEOUT
 * answered lookups would stay in the heap.
 */
class QueryResenderTest {

    @Test
    void should_not_keep_an_answered_lookup_reachable_by_its_timers() throws Exception {
        try (LoopbackDnsServer server = new LoopbackDnsServer()) {
            server.add(new ARecord(Name.fromString("a.test."), DClass.IN, 60, java.net.InetAddress.getByName("192.0.2.1")));
            QueryResender resender = new QueryResender(List.of(server.address()), Duration.ofSeconds(30));
            Message response = resender.send(Message.newQuery(Record.newRecord(Name.fromString("a.test."), Type.A, DClass.IN)))
                    .get(5, TimeUnit.SECONDS);
            WeakReference<Message> answered = new WeakReference<>(response);
            response = null;
            for (int i = 0; i < 20 && answered.get() != null; i++) {
                System.gc();
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
            }
            assertThat(answered.get()).as("the answered lookup's response, 1 s after it was answered (DNS_TIMEOUT 30 s)").isNull();
        }
    }
}
