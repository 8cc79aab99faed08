package io.mailgateway.smtp.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.policy.limits.DiskSpaceGuard;
import io.mailgateway.testing.FakeDisk;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The disk fills while a message arrives (it passed the guard at MAIL FROM): the end of its DATA
 * gets 452 4.3.1 and nothing is written, instead of a broker write that Artemis would block at its
 * max-disk-usage, hanging the session. A listener of the real gateway with its real broker and
 * stores; only the file system's answer is faked (bench/chaos/disk-full.sh fills a real one).
 */
@ExtendWith(TestGateway.class)
class DiskFullAtEndOfDataTest {

    private static final long MIB = FakeDisk.MIB;

    @Test
    void should_answer_452_4_3_1_after_data_when_the_disk_filled_during_the_transaction() throws Exception {
        FakeDisk disk = new FakeDisk(10_000 * MIB, 20_000 * MIB);
        DiskSpaceGuard guard = disk.guard(0, 85);
        Object real = TestGateway.camel().getRegistry().lookupByName("diskSpaceGuard");
        TestGateway.camel().getRegistry().bind("diskSpaceGuard", guard); // read when the listener starts
        int port;
        try {
            port = TestGateway.extraListener("disk-fills", "idleTimeout=60");
        } finally {
            TestGateway.camel().getRegistry().bind("diskSpaceGuard", real);
        }
        String late = TestGateway.uniqueUser("diskfull") + "@example.com";
        String after = TestGateway.uniqueUser("diskroom") + "@example.com";
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(port)) {
            c.send("MAIL FROM:<s@example.org>").expect(250, "2.1.0");
            c.send("RCPT TO:<" + late + ">").expect(250, "2.1.5");
            c.send("DATA").expect(354);
            disk.becomes(2_000 * MIB); // 90 % used, over the guard's 85
            c.sendRaw("Subject: too late\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.expect(452, "4.3.1").lines()).containsExactly("Insufficient system storage, try again later");
            c.send("MAIL FROM:<s@example.org>").expect(452, "4.3.1");

            disk.becomes(10_000 * MIB);
            c.sendMail("s@example.org", List.of(after), "Subject: room again\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
        } finally {
            TestGateway.camel().getRouteController().stopRoute("disk-fills");
            TestGateway.camel().removeRoute("disk-fills");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> TestGateway.newMail(after).size() == 1);
        assertThat(TestGateway.newMail(late)).isEmpty(); // had it been written, the store would have taken it first
    }
}
