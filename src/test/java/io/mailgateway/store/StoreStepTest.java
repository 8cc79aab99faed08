package io.mailgateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

/**
 * What one message's store step throws is that message's outcome, an Error included: the batch's
 * other messages are stored, and the batch as a whole does not fail.
 */
class StoreStepTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void should_make_each_messages_error_its_own_outcome_and_store_the_rest() throws Exception {
        StoreStep step = new StoreStep("test") {
            @Override
            protected void store(Exchange exchange) {
                switch (exchange.getIn().getBody(String.class)) {
                    case "nested" -> throw new StackOverflowError();
                    case "heap" -> throw new OutOfMemoryError("Java heap space");
                    default -> { }
                }
            }
        };
        BatchEntry nested = entry("nested");
        BatchEntry heap = entry("heap");
        BatchEntry fine = entry("fine");
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(new StoreBatch(List.of(nested, heap, fine)));

        // the transient failure (heap) is reported so; the consumer settles the batch entry by entry
        assertThatThrownBy(() -> step.process(exchange)).isInstanceOf(StoreBatch.Incomplete.class);

        assertThat(nested.outcome()).isEqualTo(BatchEntry.Outcome.DEAD_LETTER); // recurs on every attempt
        assertThat(nested.failure()).isInstanceOf(PermanentStoreFailure.class).hasMessageContaining("stack overflow");
        assertThat(heap.outcome()).isEqualTo(BatchEntry.Outcome.FAILED); // redelivered
        assertThat(heap.failure()).hasMessageContaining("OutOfMemoryError");
        assertThat(fine.outcome()).isEqualTo(BatchEntry.Outcome.STORED);
    }

    private BatchEntry entry(String body) {
        DefaultMessage message = new DefaultMessage(camel);
        message.setBody(body);
        return new BatchEntry(message);
    }
}
