package io.mailgateway.config;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;

/**
 * Applies LOG_LEVEL and LOG_FORMAT to log4j at start. Both can come from CONFIG_FILE, which
 * log4j2.xml cannot see, so they are applied here, once the configuration is resolved: the
 * root logger is moved to the appender named after the format ("text" or "json", both declared
 * in log4j2.xml and started with it), so nothing of log4j2.xml has to be repeated in code.
 */
public final class Logging {

    private Logging() {
    }

    public static void apply(GatewayConfig config) {
        Configurator.setLevel("io.mailgateway", Level.valueOf(config.get("LOG_LEVEL")));
        useAppender(config.get("LOG_FORMAT"));
    }

    private static void useAppender(String name) {
        if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
            return; // another log4j-api implementation: its own configuration decides
        }
        Appender appender = context.getConfiguration().getAppender(name);
        LoggerConfig root = context.getConfiguration().getRootLogger();
        if (appender == null || root.getAppenders().containsKey(name)) {
            return; // an operator's own log4j2.xml without it, or already in use
        }
        for (String other : root.getAppenders().keySet()) {
            root.removeAppender(other);
        }
        root.addAppender(appender, null, null);
        context.updateLoggers();
    }
}
