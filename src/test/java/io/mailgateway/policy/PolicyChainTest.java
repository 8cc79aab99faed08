package io.mailgateway.policy;

import static io.mailgateway.reply.EnhancedStatus.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailgateway.message.Disposition;
import io.mailgateway.message.Mailbox;
import io.mailgateway.message.Recipient;
import io.mailgateway.policy.limits.CidrSet;
import io.mailgateway.policy.limits.ConnectionPolicy;
import io.mailgateway.reply.SmtpReply;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The session's chain: checks by phase, in order, the first refusal answers. */
class PolicyChainTest {

    private static final SmtpReply BUSY = SmtpReply.of(421, of(4, 7, 0), "Busy, try again later").thenClose();
    private static final SmtpReply NO = SmtpReply.of(550, of(5, 7, 1), "No");

    private final List<String> log = new ArrayList<>();
    private final Connection client = Connection.from(InetAddress.getLoopbackAddress());

    /** A connect check that counts, and refuses when told to. */
    private ConnectCheck counting(String name, boolean refuse) {
        return new ConnectCheck() {
            @Override
            public Verdict onConnect(Connection c) {
                log.add(name + " connect");
                return refuse ? Verdict.tempfail(BUSY, name) : Verdict.accept();
            }

            @Override
            public void onDisconnect(Connection c) {
                log.add(name + " disconnect");
            }
        };
    }

    @Test
    void should_release_the_connect_checks_that_accepted_when_a_later_one_refuses() {
        PolicyChain chain = PolicyChain.builder().add(counting("a", false)).add(counting("b", true)).add(counting("c", false)).build();
        Verdict v = chain.connect(client);
        assertThat(v.reply()).isEqualTo(BUSY);
        assertThat(log).containsExactly("a connect", "b connect", "a disconnect");
    }

    /** A check after the connection caps that throws (a DNSBL bean whose resolver fails) must not leave the connection counted. */
    @Test
    void should_release_the_connect_checks_that_accepted_and_tempfail_when_a_later_one_throws() throws Exception {
        ConnectionPolicy limits = new ConnectionPolicy(new ConnectionPolicy.Limits(100, 2, false, 1, 1, 0, CidrSet.empty(),
                Duration.ofMinutes(1), 1000, false, Duration.ZERO, Duration.ofHours(4), Duration.ofDays(36), 1000, null));
        AtomicInteger calls = new AtomicInteger();
        ConnectCheck failingTwice = c -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("resolver failed");
            }
            return Verdict.accept();
        };
        PolicyChain chain = PolicyChain.builder().add(limits).add(failingTwice).build();
        Connection from = Connection.from(InetAddress.getByName("192.0.2.9"));
        for (int i = 0; i < 2; i++) {
            Verdict failed = chain.connect(from);
            assertThat(failed.reply().code()).isEqualTo(421);
            assertThat(failed.reply().status()).isEqualTo(of(4, 3, 0));
            assertThat(failed.reply().closesConnection()).isTrue();
        }
        assertThat(limits.connections().open()).as("nothing stays counted").isZero();
        assertThat(chain.connect(from).isAccept()).as("MAX_CONNECTIONS_PER_IP=2, both earlier connections refused").isTrue();
        assertThat(chain.connect(from).isAccept()).isTrue();
    }

    @Test
    void should_tell_every_connect_check_at_the_end_of_an_accepted_connection() {
        PolicyChain chain = PolicyChain.builder().add(counting("a", false)).add(counting("b", false)).build();
        assertThat(chain.connect(client).isAccept()).isTrue();
        chain.disconnect(client);
        assertThat(log).containsExactly("a connect", "b connect", "a disconnect", "b disconnect");
    }

    @Test
    void should_run_each_check_in_the_phases_it_implements_and_stop_at_the_first_refusal() {
        MailCheck noNullSender = (c, sender) -> sender.isNull() ? Verdict.reject(NO, "null sender") : Verdict.accept();
        RcptCheck never = (c, sender, rcpt) -> {
            log.add("rcpt " + rcpt.address());
            return Verdict.accept();
        };
        HeloCheck noLocalhost = c -> "localhost".equals(c.helo()) ? Verdict.reject(NO, "helo") : Verdict.accept();
        PolicyChain chain = PolicyChain.builder().add(noNullSender).add(never).add(noLocalhost).build();
        assertThat(chain.mail(client, Mailbox.NULL).reply()).isEqualTo(NO);
        assertThat(chain.mail(client, Mailbox.of("a@example.org")).isAccept()).isTrue();
        assertThat(chain.helo(client.withHelo("localhost")).refuses()).isTrue();
        assertThat(chain.helo(client.withHelo("mx.example.org")).refuses()).isFalse();
        assertThat(chain.rcpt(client, Mailbox.NULL, Recipient.of(Mailbox.of("b@example.com"), Disposition.LOCAL)).isAccept()).isTrue();
        assertThat(log).containsExactly("rcpt b@example.com");
        assertThat(chain.connect(client).isAccept()).as("no connect checks").isTrue();
    }

    @Test
    void should_refuse_an_object_that_is_no_check() {
        assertThatThrownBy(() -> PolicyChain.builder().add("not a check")).isInstanceOf(IllegalArgumentException.class);
    }
}
