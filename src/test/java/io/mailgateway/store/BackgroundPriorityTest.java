package io.mailgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The nice value of the calling thread, and of no other, goes up; the kernel's view, from /proc. */
class BackgroundPriorityTest {

    @Test
    void should_lower_the_priority_of_the_calling_thread_only() throws Exception {
        int base = niceOfCurrentThread();
        AtomicReference<Integer> returned = new AtomicReference<>();
        AtomicReference<Integer> seen = new AtomicReference<>();
        Thread store = new Thread(() -> {
            returned.set(BackgroundPriority.lowerCurrentThread(3));
            seen.set(niceOfCurrentThread());
        });
        store.start();
        store.join();

        assertThat(seen.get()).as("nice of the thread that asked").isEqualTo(Math.min(19, base + 3));
        assertThat(returned.get()).isEqualTo(seen.get());
        assertThat(niceOfCurrentThread()).as("nice of the thread that did not").isEqualTo(base);
    }

    @Test
    void should_stop_at_the_lowest_priority() throws Exception {
        AtomicReference<Integer> seen = new AtomicReference<>();
        Thread store = new Thread(() -> {
            BackgroundPriority.lowerCurrentThread(15);
            BackgroundPriority.lowerCurrentThread(15);
            seen.set(niceOfCurrentThread());
        });
        store.start();
        store.join();

        assertThat(seen.get()).isEqualTo(19);
    }

    @Test
    void should_leave_the_priority_alone_for_zero() throws Exception {
        int base = niceOfCurrentThread();
        AtomicReference<Integer> returned = new AtomicReference<>(-100);
        AtomicReference<Integer> seen = new AtomicReference<>();
        Thread store = new Thread(() -> {
            returned.set(BackgroundPriority.lowerCurrentThread(0));
            seen.set(niceOfCurrentThread());
        });
        store.start();
        store.join();

        assertThat(returned.get()).isNull();
        assertThat(seen.get()).isEqualTo(base);
    }

    /** Field 19 of /proc/thread-self/stat: the calling thread's nice value, as the scheduler has it. */
    static int niceOfCurrentThread() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]); // fields from the 3rd on: the 19th is at 16
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
