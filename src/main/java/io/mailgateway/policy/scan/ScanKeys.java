package io.mailgateway.policy.scan;

import static io.mailgateway.config.Setting.bool;
import static io.mailgateway.config.Setting.decimal;
import static io.mailgateway.config.Setting.duration;
import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/**
 * Content scanning keys: spam (rspamd) and virus (ClamAV clamd) checks at end of data
 * (docs/policy.md, "Spam and virus scanning"). SPAM_REJECT_THRESHOLD above SPAM_THRESHOLD is
 * checked across keys by {@link ScanBeans}.
 */
public final class ScanKeys implements SettingGroup {

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("SPAM_CHECK_ENABLED", "false",
                        "Route step spamCheck: score each message with rspamd (RSPAMD_URL); at SPAM_THRESHOLD it is stored flagged (quarantine), at SPAM_REJECT_THRESHOLD refused with 550 5.7.1; adds X-Spam-Score and X-Spam-Status.", bool()),
                new Setting("RSPAMD_URL", "http://127.0.0.1:11333",
                        "Base URL of rspamd's normal worker; the message is POSTed to /checkv2 with the envelope as request headers.", RspamdClient::checkUrl),
                new Setting("SPAM_THRESHOLD", "6",
                        "rspamd score at or above which a message is quarantined (Maildir .Junk, SQL column quarantined) and marked X-Spam-Status: Yes.", decimal(-1000, 1000)),
                new Setting("SPAM_REJECT_THRESHOLD", "15",
                        "rspamd score at or above which a message is refused with 550 5.7.1; must be above SPAM_THRESHOLD. An rspamd action reject (e.g. GTUBE) counts as at least this score.", decimal(-1000, 1000)),
                new Setting("SPAM_FAIL_ACTION", "accept",
                        "When rspamd is down, times out or its breaker is open: accept (store unscanned, X-Spam-Status: Unknown) or tempfail (451 4.7.1, the client retries).", FailAction::check),
                new Setting("SPAM_TIMEOUT", "10",
                        "Longest wait for rspamd's answer to one message (connect included): seconds or a number with ms, s, m.", duration()),
                new Setting("VIRUS_SCAN_ENABLED", "false",
                        "Route step virusCheck: scan each message with ClamAV's clamd (CLAMD_ADDRESS, zINSTREAM); a virus is refused with 554 5.7.1 and nothing is stored; adds X-Virus-Scanned.", bool()),
                new Setting("CLAMD_ADDRESS", "127.0.0.1:3310",
                        "clamd's TCPSocket as host:port ([v6]:port for IPv6), or the path of its LocalSocket (starting with /).", ClamdClient::checkAddress),
                new Setting("VIRUS_FAIL_ACTION", "tempfail",
                        "When clamd is down, times out or its breaker is open: tempfail (451 4.7.1, the client retries) or accept (store unscanned, X-Virus-Scanned: no).", FailAction::check),
                new Setting("VIRUS_TIMEOUT", "30",
                        "Longest time one clamd scan may take (connect, send, verdict): seconds or a number with ms, s, m.", duration()),
                new Setting("VIRUS_MAX_SIZE", "26214400",
                        "Largest message in octets sent to clamd; larger ones are not scanned (logged, X-Virus-Scanned: no) and pass. Keep it at most clamd's StreamMaxLength.", integer(1024, 4_294_967_295L)),
                new Setting("SCAN_BREAKER_FAILURES", "5",
                        "Consecutive failures (down, timeout, error reply) of rspamd or of clamd that open its circuit breaker: while open the fail action applies at once, without waiting for a timeout.", integer(1, 1000)),
                new Setting("SCAN_BREAKER_COOLDOWN", "30",
                        "How long an open breaker stays open before one message probes the engine again (success closes it): seconds or a number with ms, s, m.", duration()));
    }
}
