package io.mailgateway.policy.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.smtp.SmtpReplies;
import io.mailgateway.smtp.SmtpServer;
import io.mailgateway.smtp.SmtpServerSettings;
import io.mailgateway.testing.FakeDisk;
import io.mailgateway.testing.SmtpTestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nearly full DATA_DIR: MAIL FROM gets 452 4.3.1 over a real SMTP socket, and mail is taken
 * again by itself once space returns. The file system's answer is the one fake here (filling a
 * real disk is what bench/chaos/disk-full.sh does, on a tmpfs of its own).
 */
class DiskSpaceGuardTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final FakeDisk disk = new FakeDisk(10_000 * MIB, 20_000 * MIB);

    private DiskSpaceGuard guard(long minFree, int maxUsage) {
        return disk.guard(minFree, maxUsage);
    }

    @Test
    void should_refuse_new_mail_with_452_4_3_1_while_full_and_take_it_again_when_space_returns() throws Exception {
        DiskSpaceGuard guard = guard(64 * MIB, 100);
        SmtpServerSettings settings = new SmtpServerSettings("mx.disk.test", List.of("example.com"), 1 << 20, 10, 10,
                Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ZERO,
                Files.createDirectories(dir.resolve("spool")), 65536);
        SmtpServer server = new SmtpServer(settings, new SmtpServer.Socket("127.0.0.1", 0, 1, 16, true, false),
                message -> {
                    message.content().release();
                    return CompletableFuture.completedFuture(SmtpReplies.QUEUED.withText("Ok: queued as " + message.queueId()));
                }, new ConnectionPolicy(ConnectionPolicy.Limits.none()), List.of(guard));
        server.start();
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(server.port())) {
            c.sendMail("s@example.org", List.of("a@example.com"), "Subject: room\r\n\r\nx\r\n.\r\n".getBytes());

            disk.becomes(10 * MIB);
            c.send("MAIL FROM:<s@example.org>");
            assertThat(c.expect(452, "4.3.1").lines()).containsExactly("Insufficient system storage, try again later");

            disk.becomes(5_000 * MIB);
            c.sendMail("s@example.org", List.of("a@example.com"), "Subject: room again\r\n\r\nx\r\n.\r\n".getBytes());
        } finally {
            server.stop(Duration.ZERO);
        }
    }

    @Test
    void should_refuse_at_the_usage_limit_and_look_at_most_once_a_second() throws IOException {
        DiskSpaceGuard guard = guard(0, 90);
        assertThat(guard.isFull()).isFalse(); // 50 % used
        disk.setUsable(2_000 * MIB); // 90 % used
        assertThat(guard.isFull()).as("the answer of the last look, less than a second ago").isFalse();
        disk.advance(Duration.ofMillis(1000));
        assertThat(guard.isFull()).isTrue();
        disk.becomes(2_001 * MIB);
        assertThat(guard.isFull()).as("just under 90 %").isFalse();
    }

    @Test
    void should_not_refuse_mail_when_the_free_space_cannot_be_read() {
        DiskSpaceGuard guard = new DiskSpaceGuard(new DiskSpaceGuard.Space() {
            @Override
            public long usable() throws IOException {
                throw new IOException("statfs failed");
            }

            @Override
            public long total() {
                return 0;
            }
        }, 64 * MIB, 90, System::nanoTime);
        assertThat(guard.isFull()).isFalse();
    }

    @Test
    void should_refuse_to_start_unless_the_guard_refuses_before_the_broker_blocks() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DiskSpaceGuard.requireBeforeBroker(90, 0, 90, -1))
                .isInstanceOf(io.mailgateway.config.ConfigException.class)
                .hasMessageStartingWith("DISK_MAX_USAGE: 90 is not below the broker's max-disk-usage (90");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DiskSpaceGuard.requireBeforeBroker(100, 0, 95, -1))
                .isInstanceOf(io.mailgateway.config.ConfigException.class);
        DiskSpaceGuard.requireBeforeBroker(85, 64 * MIB, 90, -1); // the defaults
        DiskSpaceGuard.requireBeforeBroker(100, 0, -1, -1); // both limits off
        DiskSpaceGuard.requireBeforeBroker(100, 0, 100, -1); // the broker blocks nothing before the disk is full
        // min-disk-free set: Artemis blocks there and ignores max-disk-usage
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DiskSpaceGuard.requireBeforeBroker(85, 64 * MIB, 90, 100 * MIB))
                .isInstanceOf(io.mailgateway.config.ConfigException.class)
                .hasMessageStartingWith("DISK_MIN_FREE: 67108864 is not above the broker's min-disk-free (104857600");
        DiskSpaceGuard.requireBeforeBroker(99, 200 * MIB, 50, 100 * MIB);
    }
}
