package io.mailgateway.testing;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty's leak detector reported a leaked buffer while it ran: a leak is a
 * bug even when every assertion passes. Applies to every class (auto-detected extension).
 */
public final class LeakCheck implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        // Leaks surface when a leaked buffer has been collected and the detector next polls (on
        // the next allocation); the collector enqueues references on its own thread, hence the pauses.
        for (int i = 0; i < 5 && LeakDetection.LEAKS.isEmpty(); i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            PooledByteBufAllocator.DEFAULT.buffer(1).release();
        }
        if (!LeakDetection.LEAKS.isEmpty()) {
            String first = LeakDetection.LEAKS.get(0);
            int count = LeakDetection.LEAKS.size();
            LeakDetection.LEAKS.clear();
            throw new AssertionError("Netty reported " + count + " leaked buffer(s) during " + context.getDisplayName() + ":\n" + first);
        }
    }
}
