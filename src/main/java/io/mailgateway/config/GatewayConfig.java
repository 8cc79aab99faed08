package io.mailgateway.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private GatewayConfig(Map<String, String> values, Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    public static GatewayConfig fromEnvironment() {
        return load(System.getenv(), System.getProperties());
    }

    /** Resolves and checks every key; throws {@link ConfigException} naming the first bad one. */
    public static GatewayConfig load(Map<String, String> env, Properties systemProperties) {
        Map<String, String> explicit = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Setting s : Settings.ALL) {
            String v = systemProperties.getProperty(s.key(), env.get(s.key()));
            if (v != null) {
                explicit.put(s.key(), v);
                sources.put(s.key(), systemProperties.getProperty(s.key()) != null ? "system property" : "environment");
            }
        }
        Map<String, String> fromFile = explicit.containsKey("CONFIG_FILE")
                ? readEnvFile(Path.of(explicit.get("CONFIG_FILE"))) : Map.of();
        Map<String, String> resolved = new LinkedHashMap<>();
        for (Setting s : Settings.ALL) {
            String v = explicit.getOrDefault(s.key(), fromFile.getOrDefault(s.key(), s.defaultValue()));
            if (v == null) {
                continue;
            }
            if (!explicit.containsKey(s.key())) {
                sources.put(s.key(), fromFile.containsKey(s.key()) ? "CONFIG_FILE" : "default");
            }
            v = v.trim();
            String problem = s.check().apply(v);
            if (problem != null) {
                throw new ConfigException(s.key(), problem);
            }
            resolved.put(s.key(), v);
        }
        GatewayConfig config = new GatewayConfig(resolved, sources);
        config.checkAcrossKeys();
        return config;
    }

    /** KEY=VALUE lines; '#' comments, blank lines, optional quotes and a leading "export ". */
    static Map<String, String> readEnvFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("CONFIG_FILE", "cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).trim();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("CONFIG_FILE", file + " line " + (i + 1) + " is not KEY=VALUE");
            }
            String value = line.substring(eq + 1).trim();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(line.substring(0, eq).trim(), value);
        }
        return values;
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

    /** Where the value of {@code key} came from: "system property", "environment", "CONFIG_FILE" or "default"; null when unset. */
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
