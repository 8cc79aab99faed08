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
                        MessageContent content = (MessageContent) value;
                        try (InputStream in = content.openStream()) {
                            // one array of the known size (readAllBytes grows chunks and copies them)
                            byte[] bytes = new byte[(int) Math.min(content.size(), Integer.MAX_VALUE - 8)];
                            int n = in.readNBytes(bytes, 0, bytes.length);
                            int next = in.read();
                            return type.cast(n == bytes.length && next < 0 ? bytes : whole(bytes, n, next, in));
                        } catch (IOException e) {
                            throw new TypeConversionException(value, type, e);
                        }
                    }
                });
    }

    /** The content was not the size it said (not for a content as made here): all it holds. */
    private static byte[] whole(byte[] start, int n, int next, InputStream rest) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream(n + 1024);
        all.write(start, 0, n);
        if (next >= 0) {
            all.write(next);
            rest.transferTo(all);
        }
        return all.toByteArray();
    }
}
