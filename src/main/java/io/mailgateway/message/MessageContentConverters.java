package io.mailgateway.message;

import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.support.TypeConverterSupport;

/**
 * How Camel reads a {@link MessageContent} body: as a stream (the JMS producer streams large
 * messages from the spool) or as bytes (small messages, one ordinary journal record).
 */
public final class MessageContentConverters {

    private MessageContentConverters() {
    }

    public static void register(CamelContext context) {
        context.getTypeConverterRegistry().addTypeConverter(InputStream.class, MessageContent.class,
                new TypeConverterSupport() {
                    @Override
                    public <T> T convertTo(Class<T> type, Exchange exchange, Object value) {
                        return type.cast(((MessageContent) value).openStream());
                    }
                });
        context.getTypeConverterRegistry().addTypeConverter(byte[].class, MessageContent.class,
                new TypeConverterSupport() {
                    @Override
                    public <T> T convertTo(Class<T> type, Exchange exchange, Object value) throws TypeConversionException {
                        try (InputStream in = ((MessageContent) value).openStream()) {
                            return type.cast(in.readAllBytes());
                        } catch (IOException e) {
                            throw new TypeConversionException(value, type, e);
                        }
                    }
                });
    }
}
