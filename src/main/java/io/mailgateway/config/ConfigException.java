package io.mailgateway.config;

/** An invalid configuration value; the message names the key so the operator can fix it. */
public final class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
