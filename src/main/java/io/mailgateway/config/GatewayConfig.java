package io.mailgateway.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The gateway's configuration, resolved once at start: for each key in {@link Settings#ALL},
 * a JVM system property of the same name wins, then the environment, then the file named by
 * CONFIG_FILE, then the default. Every value is checked here, so a bad one stops startup with
 * a message naming its key. The YAML routes see the same values as {{KEY}} placeholders.
 */
public final class GatewayConfig {

    private final Map<String, String> values;
    /** Where each value came from: "system property", "environment", "CONFIG_FILE" or "default". */
    private final Map<String, String> sources;
    private String hostname;

    private final List<ConfigNotice> notices;

    private GatewayConfig(Map<String, String> values, Map<String, String> sources, List<ConfigNotice> notices) {
        this.values = values;
        this.sources = sources;
        this.notices = notices;
    }

    public static GatewayConfig fromEnvironment() {
        return load(System.getenv(), System.getProperties());
    }

    /**
     * Resolves and checks every key; throws {@link ConfigException} naming the first bad one.
     * Each place a value can come from (system properties, environment, CONFIG_FILE) is read on
     * its own first, with the tuning guide's names translated to ours ({@link TuningGuide}); then
     * the places are stacked in that order of precedence.
     */
    public static GatewayConfig load(Map<String, String> env, Properties systemProperties) {
        List<ConfigNotice> notices = new ArrayList<>();
        Map<String, String> props = new LinkedHashMap<>();
        for (String key : TuningGuide.knownKeys()) {
            if (systemProperties.getProperty(key) != null) {
                props.put(key, systemProperties.getProperty(key));
            }
        }
        List<Layer> layers = new ArrayList<>();
        layers.add(Layer.of("system property", props, false, notices));
        layers.add(Layer.of("environment", env, false, notices));
        String configFile = layers.stream().map(l -> l.values.get("CONFIG_FILE")).filter(v -> v != null).findFirst().orElse(null);
        if (configFile != null) {
            EnvFile.Parsed file = EnvFile.read(Path.of(configFile.trim()));
            notices.addAll(file.notices());
            layers.add(Layer.of("CONFIG_FILE", file.values(), true, notices));
        }
        Map<String, String> resolved = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Setting s : Settings.ALL) {
            Layer from = layers.stream().filter(l -> l.values.containsKey(s.key())).findFirst().orElse(null);
            String v = from != null ? from.values.get(s.key()) : s.defaultValue();
            if (v == null) {
                continue;
            }
            sources.put(s.key(), from == null ? "default" : from.sourceOf(s.key()));
            v = v.trim();
            if (s.key().equals("STORAGE_TYPE")) {
                v = storageTypeNames(v, notices);
            }
            String problem = s.check().apply(v);
            if (problem != null) {
                throw new ConfigException(s.key(), problem + (from != null && from.aliasOf.containsKey(s.key())
                        ? " (given as " + from.aliasOf.get(s.key()) + ")" : ""));
            }
            resolved.put(s.key(), v);
        }
        noteOverriddenAliases(layers, notices);
        GatewayConfig config = new GatewayConfig(resolved, sources, List.copyOf(notices));
        config.checkAcrossKeys();
        return config;
    }

    /** The values one place gives, in our key names, and which of them came from a guide name. */
    private static final class Layer {
        final String name;
        final Map<String, String> values = new LinkedHashMap<>();
        /** our key -> the guide key its value was given as. */
        final Map<String, String> aliasOf = new LinkedHashMap<>();
        /** guide keys given here whose value lost to our own name in the same place. */
        final Map<String, String> guideKeysGiven = new LinkedHashMap<>();

        private Layer(String name) {
            this.name = name;
        }

        String sourceOf(String key) {
            return aliasOf.containsKey(key) ? name + " as " + aliasOf.get(key) : name;
        }

        /**
         * Our keys as given; each guide alias translated unless our own name is given too (ours
         * wins, and the log says so); not-applicable guide keys noted with their reason; unknown
         * keys that look like a typo of a known one warned about (every unknown key of a file,
         * since a file holds only settings; in the environment only near misses, since it holds
         * everybody's variables).
         */
        static Layer of(String name, Map<String, String> raw, boolean everyKeyIsOurs, List<ConfigNotice> notices) {
            Layer layer = new Layer(name);
            for (Setting s : Settings.ALL) {
                if (raw.containsKey(s.key())) {
                    layer.values.put(s.key(), raw.get(s.key()));
                }
            }
            for (TuningGuide.Alias alias : TuningGuide.ALIASES) {
                String given = raw.get(alias.guideKey());
                if (given == null) {
                    continue;
                }
                layer.guideKeysGiven.put(alias.guideKey(), alias.ourKey());
                String ours = alias.translate().apply(given.trim(), raw);
                if (raw.containsKey(alias.ourKey())) {
                    notices.add(ConfigNotice.info(alias.guideKey() + " (the tuning guide's name) and " + alias.ourKey()
                            + " are both set in " + name + ": " + alias.ourKey() + " wins"));
                } else if (ours != null) {
                    layer.values.put(alias.ourKey(), ours);
                    layer.aliasOf.put(alias.ourKey(), alias.guideKey());
                    notices.add(ConfigNotice.info(alias.guideKey() + "=" + EffectiveConfig.mask(alias.guideKey(), given.trim())
                            + " (the tuning guide's name, " + name + ") read as " + alias.ourKey() + "="
                            + EffectiveConfig.mask(alias.ourKey(), ours)));
                }
            }
            for (String key : raw.keySet()) {
                TuningGuide.NotApplicable na = TuningGuide.NOT_APPLICABLE.get(key);
                if (na != null) {
                    notices.add(ConfigNotice.info(key + " (" + name + ") has no meaning here: " + na.reason() + ". Instead: " + na.instead()));
                } else if (!TuningGuide.isKnown(key)) {
                    String closest = TuningGuide.closestKnownKey(key);
                    // In the environment a near miss must also share the first word (SMTP_, QUEUE_):
                    // SSL_CERT_FILE is OpenSSL's variable, not a typo of TLS_CERT_FILE.
                    if (closest != null && !everyKeyIsOurs && !firstWord(closest).equals(firstWord(key))) {
                        closest = null;
                    }
                    if (closest != null) {
                        notices.add(ConfigNotice.warn("unknown key " + key + " (" + name + ") ignored: did you mean " + closest + "?"));
                    } else if (everyKeyIsOurs) {
                        notices.add(ConfigNotice.warn("unknown key " + key + " (" + name + ") ignored: not a setting of the gateway (docs/configuration.md)"));
                    }
                }
            }
            return layer;
        }
    }

    private static String firstWord(String key) {
        int underscore = key.indexOf('_');
        return underscore < 0 ? key : key.substring(0, underscore);
    }

    /** A guide name given in one place but overridden by our own name given in a place that wins. */
    private static void noteOverriddenAliases(List<Layer> layers, List<ConfigNotice> notices) {
        for (int lower = 0; lower < layers.size(); lower++) {
            for (Map.Entry<String, String> given : layers.get(lower).guideKeysGiven.entrySet()) {
                for (int higher = 0; higher < lower; higher++) {
                    Layer winner = layers.get(higher);
                    if (winner.values.containsKey(given.getValue())) {
                        notices.add(ConfigNotice.info(given.getKey() + " (the tuning guide's name, " + layers.get(lower).name
                                + ") is overridden by " + given.getValue() + " from " + winner.sourceOf(given.getValue())));
                        break;
                    }
                }
            }
        }
    }

    /** STORAGE_TYPE as the guide writes it: "database" is our "sql". */
    private static String storageTypeNames(String value, List<ConfigNotice> notices) {
        List<String> names = new ArrayList<>();
        for (String name : value.split(",")) {
            String ours = TuningGuide.STORAGE_TYPE_NAMES.get(name.trim().toLowerCase(Locale.ROOT));
            if (ours != null) {
                notices.add(ConfigNotice.info("STORAGE_TYPE " + name.trim() + " (the tuning guide's name) is the " + ours + " store"));
            }
            names.add(ours != null ? ours : name.trim());
        }
        return String.join(",", names);
    }

    /** What the startup log should say about the configuration besides the values (logged once). */
    public List<ConfigNotice> notices() {
        return notices;
    }

    private void checkAcrossKeys() {
        for (String store : storageTypes()) {
            if (!store.matches("[a-z0-9][a-z0-9_-]*")) {
                throw new ConfigException("STORAGE_TYPE", "store names are lower-case letters, digits, '-' or '_': '" + store + "'");
            }
        }
        if (storageTypes().isEmpty()) {
            throw new ConfigException("STORAGE_TYPE", "name at least one store, e.g. maildir");
        }
        if (!get("ROUTES_DIR").isEmpty() && !Files.isDirectory(Path.of(get("ROUTES_DIR")))) {
            throw new ConfigException("ROUTES_DIR", "not a directory: " + get("ROUTES_DIR"));
        }
        if (!get("BROKER_CONFIG").isEmpty() && !Files.isRegularFile(Path.of(get("BROKER_CONFIG")))) {
            throw new ConfigException("BROKER_CONFIG", "no such file: " + get("BROKER_CONFIG"));
        }
        checkGreylistTimes();
    }

    private void checkGreylistTimes() {
        if (getLong("GREYLIST_EXPIRY") <= getLong("GREYLIST_DELAY")) {
            throw new ConfigException("GREYLIST_EXPIRY", "must be longer than GREYLIST_DELAY (" + get("GREYLIST_DELAY")
                    + " s), or no retry could ever pass; got " + get("GREYLIST_EXPIRY"));
        }
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null && Settings.ALL.stream().noneMatch(s -> s.key().equals(key))) {
            throw new IllegalArgumentException("unknown configuration key " + key);
        }
        return v;
    }

    /** Where the value of {@code key} came from: "system property", "environment", "CONFIG_FILE" (each maybe "... as GUIDE_KEY") or "default"; null when unset. */
    public String source(String key) {
        return values.containsKey(key) ? sources.get(key) : null;
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    public long getLong(String key) {
        return Long.parseLong(get(key));
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key));
    }

    public Duration seconds(String key) {
        return Duration.ofSeconds(getLong(key));
    }

    /** A duration key (QUEUE_*_DELAY, QUEUE_MAX_AGE): seconds, or a number with ms, s, m, h or d. */
    public Duration duration(String key) {
        return Setting.parseDuration(get(key));
    }

    public double getDouble(String key) {
        return Double.parseDouble(get(key));
    }

    public Path dataDir() {
        return Path.of(get("DATA_DIR")).toAbsolutePath().normalize();
    }

    public List<String> localDomains() {
        return Arrays.stream(get("LOCAL_DOMAINS").split(",")).map(String::trim)
                .map(d -> d.toLowerCase(Locale.ROOT)).filter(d -> !d.isEmpty()).toList();
    }

    public List<String> storageTypes() {
        return Arrays.stream(get("STORAGE_TYPE").split(",")).map(String::trim)
                .map(d -> d.toLowerCase(Locale.ROOT)).filter(d -> !d.isEmpty()).distinct().toList();
    }

    /** SMTP_HOSTNAME, or this machine's name (looked up once: it may cost a DNS query). */
    public synchronized String hostname() {
        if (hostname == null) {
            hostname = get("SMTP_HOSTNAME");
            if (hostname.isEmpty()) {
                try {
                    hostname = InetAddress.getLocalHost().getCanonicalHostName();
                } catch (UnknownHostException e) {
                    hostname = "localhost";
                }
            }
        }
        return hostname;
    }

    /** Where routes load from: a directory path, or null for the packaged copies. */
    public Path routesDir() {
        if (!get("ROUTES_DIR").isEmpty()) {
            return Path.of(get("ROUTES_DIR")).toAbsolutePath();
        }
        Path local = Path.of("routes");
        return Files.isDirectory(local) ? local.toAbsolutePath() : null;
    }

    static boolean isSecret(String key) {
        return key.contains("PASSWORD") || key.contains("SECRET");
    }

    /** The broker.xml to start the embedded broker from: BROKER_CONFIG, ./broker/broker.xml, or the packaged one. */
    public URL brokerConfig() {
        try {
            if (!get("BROKER_CONFIG").isEmpty()) {
                return Path.of(get("BROKER_CONFIG")).toUri().toURL();
            }
            Path local = Path.of("broker", "broker.xml");
            if (Files.isRegularFile(local)) {
                return local.toUri().toURL();
            }
        } catch (IOException e) {
            throw new ConfigException("BROKER_CONFIG", e.getMessage());
        }
        return packagedBrokerConfig();
    }

    /**
     * The broker.xml inside the jar, copied to $DATA_DIR/broker/packaged-broker.xml: Artemis
     * watches its configuration file for changes and warns when that is a jar entry.
     */
    private URL packagedBrokerConfig() {
        Path copy = dataDir().resolve("broker").resolve("packaged-broker.xml");
        try (var in = GatewayConfig.class.getResourceAsStream("/broker/broker.xml")) {
            if (in == null) {
                throw new ConfigException("BROKER_CONFIG", "no broker.xml given and none packaged");
            }
            Files.createDirectories(copy.getParent());
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return copy.toUri().toURL();
        } catch (IOException e) {
            throw new ConfigException("BROKER_CONFIG", "cannot copy the packaged broker.xml to " + copy + ": " + e.getMessage());
        }
    }

    /**
     * All values but secrets, for Camel's property placeholders ({{SMTP_PORT}} in the routes).
     * Secrets (passwords, keys) stay out: Camel logs its placeholders at startup, and the beans
     * that need a secret read it from this class.
     */
    public Properties asProperties() {
        Properties p = new Properties();
        values.forEach((key, value) -> {
            if (!isSecret(key)) {
                p.setProperty(key, value);
            }
        });
        p.setProperty("SMTP_HOSTNAME", hostname());
        p.setProperty("DATA_DIR", dataDir().toString());
        return p;
    }
}
