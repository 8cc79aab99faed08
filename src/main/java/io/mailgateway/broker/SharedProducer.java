package io.mailgateway.broker;

import java.io.IOException;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/**
 * One Camel ProducerTemplate made on first use, from the context of the first exchange that
 * needs it: the beans that send to the broker are bound before the CamelContext exists.
 */
public final class SharedProducer implements AutoCloseable {

    private volatile ProducerTemplate template;

    public ProducerTemplate of(CamelContext context) {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
                t = template;
            }
        }
        return t;
    }

    /** Closes the template; a later {@link #of} makes a new one (the context may start again). */
    @Override
    public synchronized void close() throws IOException {
        if (template != null) {
            template.close();
            template = null;
        }
    }
}
