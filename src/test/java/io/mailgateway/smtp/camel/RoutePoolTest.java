package io.mailgateway.smtp.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The inbound route's pool never runs a message on the thread that hands it over, a Netty event
 * loop: with every route thread busy and more than Camel's default queue of 1,000 waiting, the
 * next message waits its turn. (With the default profile it ran on the caller.)
 */
class RoutePoolTest {

    @Test
    void should_queue_past_a_thousand_waiting_messages_and_never_run_on_the_caller() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            ExecutorService pool = SmtpdConsumer.routePool(camel, this, 2);
            CountDownLatch journal = new CountDownLatch(1);
            try {
                for (int i = 0; i < 2 + 1_500; i++) {
                    pool.execute(() -> {
                        try {
                            journal.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
                AtomicReference<String> ranOn = new AtomicReference<>();
                CountDownLatch ran = new CountDownLatch(1);
                pool.execute(() -> {
                    ranOn.set(Thread.currentThread().getName());
                    ran.countDown();
                });
                assertThat(ranOn.get()).as("ran at once, on the caller").isNull();
                journal.countDown();
                assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(ranOn.get()).isNotEqualTo(Thread.currentThread().getName()).contains("smtpd-route");
            } finally {
                journal.countDown();
                camel.getExecutorServiceManager().shutdownNow(pool);
            }
        }
    }
}
