package io.mailgateway.config;

/**
 * Something about the configuration an operator should read once at startup but that does not
 * stop it: a tuning-guide key that maps to ours or has no meaning here, a line of CONFIG_FILE that
 * is advice for another program, a key that looks like a typo of a known one.
 */
public record ConfigNotice(boolean warning, String text) {

    static ConfigNotice info(String text) {
        return new ConfigNotice(false, text);
    }

    static ConfigNotice warn(String text) {
        return new ConfigNotice(true, text);
    }
}
