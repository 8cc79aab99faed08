package io.mailgateway.delivery;

import io.mailgateway.config.GatewayConfig;
import java.time.Duration;

/**
 * How the relay client talks to next hops (RELAY_* keys, docs/configuration.md).
 *
 * @param heloName       the name in EHLO/HELO
 * @param tls            opportunistic STARTTLS (RELAY_TLS=may) or never (none)
 * @param connectTimeout TCP connect, per host
 * @param commandTimeout greeting, EHLO, STARTTLS, MAIL, RCPT, DATA, RSET replies (RFC 5321 4.5.3.2)
 * @param dataTimeout    a stall while sending content, and the reply after the final dot
 * @param poolSize       idle connections kept per host address; 0 = no reuse
 * @param idleTime       how long an idle connection is kept
 * @param bdatChunkSize  octets per BDAT chunk to a next hop offering CHUNKING (RFC 3030); 0 = always DATA
 */
public record RelaySettings(String heloName, boolean tls, Duration connectTimeout, Duration commandTimeout,
        Duration dataTimeout, int poolSize, Duration idleTime, int bdatChunkSize) {

    /** Settings that always send DATA, never BDAT. */
    public RelaySettings(String heloName, boolean tls, Duration connectTimeout, Duration commandTimeout,
            Duration dataTimeout, int poolSize, Duration idleTime) {
        this(heloName, tls, connectTimeout, commandTimeout, dataTimeout, poolSize, idleTime, 0);
    }

    public static RelaySettings fromConfig(GatewayConfig config) {
        return new RelaySettings(config.hostname(), "may".equals(config.get("RELAY_TLS")),
                config.seconds("RELAY_CONNECT_TIMEOUT"), config.seconds("RELAY_COMMAND_TIMEOUT"),
                config.seconds("RELAY_DATA_TIMEOUT"), config.getInt("RELAY_CONNECTION_POOL_SIZE"),
                config.seconds("RELAY_CONNECTION_IDLE_TIME"), config.getInt("BDAT_CHUNK_SIZE"));
    }

    public RelaySettings withPoolSize(int size) {
        return new RelaySettings(heloName, tls, connectTimeout, commandTimeout, dataTimeout, size, idleTime, bdatChunkSize);
    }

    public RelaySettings withTls(boolean on) {
        return new RelaySettings(heloName, on, connectTimeout, commandTimeout, dataTimeout, poolSize, idleTime, bdatChunkSize);
    }

    public RelaySettings withBdatChunkSize(int octets) {
        return new RelaySettings(heloName, tls, connectTimeout, commandTimeout, dataTimeout, poolSize, idleTime, octets);
    }
}
