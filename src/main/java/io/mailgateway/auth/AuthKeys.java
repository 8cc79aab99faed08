package io.mailgateway.auth;

import static io.mailgateway.config.Setting.bool;
import static io.mailgateway.config.Setting.duration;
import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/**
 * The keys of AUTH (docs/security.md): the user cache of the tuning guide (USER_CACHE_*), the
 * limits on failed logins (AUTH_*), and whether an authenticated user may send with {@code <>}.
 */
public final class AuthKeys implements SettingGroup {

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("USER_CACHE_ENABLED", "true",
                        "Keep users' rows (password hash, enabled, extra addresses) in memory between logins; every login still verifies the password.", bool()),
                new Setting("USER_CACHE_TTL", "300",
                        "Seconds a cached user row is used at most; 0 reads the database at every login.", integer(0, 86_400)),
                new Setting("USER_CACHE_CHECK_INTERVAL", "10",
                        "Seconds between checks (one small query) for changes made with the `user` commands in another process; a change clears the cache, so `user disable` or `user passwd` reaches a running gateway within this time. 0: no check, a change waits for USER_CACHE_TTL.", integer(0, 3600)),
                new Setting("USER_CACHE_SIZE", "10000",
                        "Most user rows cached (least recently used dropped first).", integer(0, 10_000_000)),
                new Setting("AUTH_MAX_FAILURES", "5",
                        "Failed AUTH attempts from one client (IPv4 address or IPv6 /64) or for one account within AUTH_FAILURE_WINDOW that start a block; the attempt that reaches it gets 421 4.7.0 and the connection closes.", integer(1, 1000)),
                new Setting("AUTH_FAILURE_WINDOW", "900",
                        "Seconds over which failed AUTH attempts are counted.", integer(1, 86_400)),
                new Setting("AUTH_BLOCK_TIME", "900",
                        "Seconds a blocked client or account gets 421 4.7.0 for every AUTH, without its password being checked (an account's block spares the clients that logged in to it before).", integer(1, 604_800)),
                new Setting("AUTH_FAILURE_DELAY", "1",
                        "Wait before the reply to a failed AUTH (535 5.7.8): this for the first failure, doubled for each further one of the client or account, at most 30 s. Seconds or a number with ms, s, m.", duration()),
                new Setting("AUTH_MAX_TRACKED", "100000",
                        "Most clients (and as many accounts) whose failed AUTH attempts are remembered; when full, idle ones are dropped and, if still full, a new client's failures are not counted (accounts still are).", integer(100, 10_000_000)),
                new Setting("AUTH_ALLOW_NULL_SENDER", "true",
                        "Whether an authenticated user may send with the null sender MAIL FROM:<> (read receipts, vacation replies); other senders must be the user's own address or one of its extra addresses (553 5.7.1).", bool()));
    }
}
