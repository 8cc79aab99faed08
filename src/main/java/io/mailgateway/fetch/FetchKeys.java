package io.mailgateway.fetch;

import static io.mailgateway.config.Setting.any;
import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;
import java.util.function.Function;

/**
 * Keys of the optional fetch route (docs/examples/fetch-imap.camel.yaml, loaded only when copied
 * into ROUTES_DIR as fetch-*.camel.yaml). Each key: default, meaning (copied into
 * docs/configuration.md) and check.
 */
public final class FetchKeys implements SettingGroup {

    private static Function<String, String> protocol() {
        return v -> v.trim().matches("imaps?|pop3s?") ? null : "must be imaps, imap, pop3s or pop3, got '" + v + "'";
    }

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("FETCH_PROTOCOL", "imaps",
                        "Fetch route: imaps, imap, pop3s or pop3 (imap and pop3 send the password in clear: loopback or a trusted network only).", protocol()),
                new Setting("FETCH_HOST", "",
                        "Fetch route: the remote mailbox's server.", any()),
                new Setting("FETCH_PORT", "993",
                        "Fetch route: its port (993 imaps, 143 imap, 995 pop3s, 110 pop3).", integer(1, 65535)),
                new Setting("FETCH_USER", "",
                        "Fetch route: the login of the remote mailbox.", any()),
                new Setting("FETCH_PASSWORD", "",
                        "Fetch route: its password; put it in the CONFIG_FILE (mode 0600), not in the environment.", any()),
                new Setting("FETCH_RECIPIENT", "",
                        "Fetch route: the local address (a LOCAL_DOMAINS mailbox) fetched mail is stored for: the mailbox owner.", any()),
                new Setting("FETCH_INTERVAL", "60",
                        "Fetch route: seconds between two polls of the remote mailbox.", integer(1, 86_400)));
    }
}
