package io.mailgateway.smtp.camel;

import io.mailgateway.config.GatewayConfig;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code smtpd:} Camel component: an SMTP server as the start of a route.
 * URI: {@code smtpd:HOST:PORT[?option=value...]}; every option defaults to the gateway's
 * configuration (bean {@code gatewayConfig}), so a route needs only host and port.
 */
@org.apache.camel.spi.annotations.Component("smtpd")
public class SmtpdComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        int colon = remaining.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("smtpd endpoint needs HOST:PORT, got " + remaining);
        }
        SmtpdEndpoint endpoint = new SmtpdEndpoint(uri, this);
        String host = remaining.substring(0, colon);
        endpoint.setHost(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
        endpoint.setPort(Integer.parseInt(remaining.substring(colon + 1)));
        GatewayConfig config = getCamelContext().getRegistry().lookupByNameAndType("gatewayConfig", GatewayConfig.class);
        if (config != null) {
            endpoint.applyDefaults(config);
        }
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
