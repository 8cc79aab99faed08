package io.mailgateway.config;

import java.util.List;

/**
 * The configuration keys one capability reads, declared by that capability (its package's
 * {@code ...Keys} class) and found through {@code META-INF/services/io.mailgateway.config.SettingGroup},
 * so this package knows every key without importing any feature. docs/configuration.md lists
 * them all (a test keeps it in step).
 */
public interface SettingGroup {

    List<Setting> settings();
}
