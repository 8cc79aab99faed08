package io.mailgateway.smtp.tls;

import static io.mailgateway.config.Setting.any;
import static io.mailgateway.config.Setting.bool;
import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/**
 * The listeners that need TLS, and the certificate they share (docs/security.md). Each key:
 * default, meaning (copied into docs/configuration.md) and check.
 */
public final class TlsKeys implements SettingGroup {

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("SUBMISSION_PORT", "2587",
                        "Message submission listener (RFC 6409): STARTTLS, then AUTH before MAIL (530 5.7.0 otherwise); 0 picks a free port, -1 turns it off.", integer(-1, 65535)),
                new Setting("SMTPS_PORT", "2465",
                        "Submission over implicit TLS (RFC 8314): TLS from the first byte, then AUTH before MAIL; 0 picks a free port, -1 turns it off.", integer(-1, 65535)),
                new Setting("TLS_ENABLED", "true",
                        "Offer STARTTLS on SMTP_PORT and SUBMISSION_PORT and run SMTPS_PORT. false: plain text only (SMTPS_PORT stays off).", bool()),
                new Setting("TLS_CERT_FILE", "",
                        "PEM certificate chain (leaf first) for the listeners; empty means a self-signed certificate for SMTP_HOSTNAME made once in $DATA_DIR/tls/ (fine between MTAs, not for mail clients).", any()),
                new Setting("TLS_KEY_FILE", "",
                        "PEM private key (PKCS#8) of TLS_CERT_FILE; needed when TLS_CERT_FILE is set.", any()),
                new Setting("TLS_PROTOCOLS", "TLSv1.3,TLSv1.2",
                        "TLS versions offered, comma-separated: TLSv1.3 and/or TLSv1.2 (RFC 8996 retired older ones).",
                        v -> v.matches("TLSv1\\.[23](,TLSv1\\.[23])?") ? null : "must be TLSv1.3, TLSv1.2 or both, comma-separated, got '" + v + "'"),
                new Setting("TLS_RELOAD_INTERVAL", "60",
                        "Seconds between checks of the certificate files; a renewed certificate serves new connections without a restart. 0: never reload.", integer(0, 86_400)));
    }
}
