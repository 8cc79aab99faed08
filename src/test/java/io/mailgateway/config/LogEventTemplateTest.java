package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.Test;

/** The LOG_FORMAT=json template (log-event.json): one line, the fixed fields, MDC entries, exceptions. */
class LogEventTemplateTest {

    private final JsonTemplateLayout layout = JsonTemplateLayout.newBuilder()
            .setConfiguration(new DefaultConfiguration())
            .setEventTemplateUri("classpath:log-event.json")
            .build();

    @Test
    void should_put_mdc_entries_beside_the_fixed_fields() throws Exception {
        SortedArrayStringMap mdc = new SortedArrayStringMap();
        mdc.putValue("queueId", "01M8PR2MYP0001QDK");
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("io.mailgateway.smtp.camel.SmtpdConsumer")
                .setLevel(Level.INFO).setMessage(new SimpleMessage("accepted\nsecond line")).setThreadName("smtpd-worker")
                .setContextData(mdc).setTimeMillis(1_000).build(); // 0 would mean "now" to log4j

        String line = layout.toSerializable(event);

        assertThat(line).endsWith("\n").hasLineCount(1);
        JsonObject json = (JsonObject) Jsoner.deserialize(line);
        assertThat(json).containsEntry("level", "INFO").containsEntry("logger", "io.mailgateway.smtp.camel.SmtpdConsumer")
                .containsEntry("message", "accepted\nsecond line").containsEntry("thread", "smtpd-worker")
                .containsEntry("queueId", "01M8PR2MYP0001QDK").containsEntry("@timestamp", "1970-01-01T00:00:01.000Z")
                .doesNotContainKeys("error.type");
    }

    @Test
    void should_keep_a_stack_trace_in_one_field_of_one_line() throws Exception {
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("x").setLevel(Level.ERROR)
                .setMessage(new SimpleMessage("store failed")).setThrown(new IllegalStateException("disk full")).build();

        String line = layout.toSerializable(event);

        assertThat(line).hasLineCount(1);
        JsonObject json = (JsonObject) Jsoner.deserialize(line);
        assertThat(json).containsEntry("error.type", "java.lang.IllegalStateException").containsEntry("error.message", "disk full");
        assertThat(json.getString("error.stack_trace")).contains("LogEventTemplateTest");
    }
}
