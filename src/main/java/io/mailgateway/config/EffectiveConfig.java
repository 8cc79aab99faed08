package io.mailgateway.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The configuration as the gateway resolved it, for the log at start: every key of
 * {@link Settings#ALL}, its value and where the value came from, so "which setting won?" is
 * answered from the log alone. Secrets never reach the log: the whole value of a key whose name
 * says it is one, and the password part of a URL in any other value.
 */
public final class EffectiveConfig {

    static final String MASK = "****";
    /** Key names of secrets: DB_PASSWORD, AWS_SECRET_ACCESS_KEY, AWS_ACCESS_KEY_ID, a future *_TOKEN. */
    private static final Pattern SECRET_KEY = Pattern.compile("PASSWORD|SECRET|TOKEN|ACCESS_KEY");
    /** scheme://user:password@host (jdbc:postgresql://, smtp://...): the password up to the last '@' before the path. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(//[^/:@\\s]*:)[^/\\s]*@");
    /** ?password=..., &secret=..., ;token=... (JDBC and S3 URL parameters). */
    private static final Pattern PARAMETER_SECRET = Pattern.compile(
            "(?i)([?&;]\\s*[a-z0-9_.-]*(?:password|passwd|pwd|secret|token|access_?key)[a-z0-9_.-]*\\s*=)[^&;\\s]*");

    private EffectiveConfig() {
    }

    /** One block: a heading, then one line per key: {@code KEY=value (source)}. */
    public static String describe(GatewayConfig config) {
        StringBuilder text = new StringBuilder("effective configuration (value, then where it came from):");
        for (Setting setting : Settings.ALL) {
            String key = setting.key();
            String value = config.get(key);
            text.append(System.lineSeparator()).append("  ").append(key);
            if (value == null) {
                text.append(" unset");
            } else {
                text.append('=').append(mask(key, value)).append(" (").append(config.source(key)).append(')');
            }
        }
        return text.toString();
    }

    /**
     * Free text (an exception's message, which drivers and pools fill with the URL they were
     * given) as it may be printed: the password of any URL in it and secret URL parameters
     * become {@value #MASK}.
     */
    public static String maskSecrets(String text) {
        if (text == null) {
            return null;
        }
        String masked = URL_PASSWORD.matcher(text).replaceAll("$1" + MASK + "@");
        return PARAMETER_SECRET.matcher(masked).replaceAll("$1" + MASK);
    }

    /** The value as it may be logged: empty stays empty (so "not set" is visible), secrets become {@value #MASK}. */
    static String mask(String key, String value) {
        if (value.isEmpty()) {
            return value;
        }
        if (SECRET_KEY.matcher(key.toUpperCase(Locale.ROOT)).find()) {
            return MASK;
        }
        return maskSecrets(value);
    }
}
