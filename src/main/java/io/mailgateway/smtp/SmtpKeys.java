package io.mailgateway.smtp;

import static io.mailgateway.config.Setting.bool;
import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/**
 * The SMTP listener's keys: port, limits of a session and a message, timeouts, threads, TCP
 * options. Each key: default, meaning (copied into docs/configuration.md) and check.
 */
public final class SmtpKeys implements SettingGroup {

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("SMTP_PORT", "2525",
                        "SMTP (MX) listener port; 0 picks a free port.", integer(0, 65535)),
                new Setting("SMTP_MAX_MESSAGE_SIZE", "52428800",
                        "Largest message in octets; advertised as SIZE, enforced on MAIL SIZE= and while streaming (552 5.3.4).", integer(1024, 4_294_967_295L)),
                new Setting("SMTP_MAX_RECIPIENTS", "100",
                        "Recipients per message; more get 452 4.5.3.", integer(1, 100_000)),
                new Setting("SMTP_MAX_ERRORS", "10",
                        "Protocol errors (5xx replies) allowed in one session before 421 4.7.0 and close.", integer(1, 1000)),
                new Setting("SMTP_GREETING_DELAY", "0",
                        "Milliseconds to wait before the 220 greeting; a client that talks first is refused (554 5.5.1). 0 sends the greeting at once.", integer(0, 60_000)),
                new Setting("IDLE_TIMEOUT", "300",
                        "Seconds a session with no mail transaction in progress (before MAIL, or after a message's reply) may stay silent; then 421 4.4.2 and close.", integer(1, 86_400)),
                new Setting("CONNECTION_TIMEOUT", "300",
                        "RFC 5321 4.5.3.2 server timeout: seconds the server waits for the client's next command or data line while a command or mail transaction is in progress (MAIL to the end of DATA/BDAT, an AUTH exchange); then 421 4.4.2 and close. Changed: it used to be the session's lifetime, now SESSION_MAX_LIFETIME.", integer(1, 86_400)),
                new Setting("SESSION_MAX_LIFETIME", "1800",
                        "Longest life of one SMTP session in seconds, whatever it does; then 421 4.4.2 (once a message in progress has its reply).", integer(1, 86_400)),
                new Setting("SPOOL_THRESHOLD", "262144",
                        "Octets of a message kept in memory; past this the message spools to $DATA_DIR/spool.", integer(1024, 64 * 1024 * 1024)),
                new Setting("WORKER_THREADS", "0",
                        "Worker threads of the SMTP listeners (Netty's worker event loops), which do the CPU work of every message up to its end of data: TLS, command parsing, DATA/BDAT decoding (dot-unstuffing, size checks) and spooling; match the CPU cores. 0 means one per CPU core. Changed: it used to be the broker write concurrency (now BROKER_WRITE_CONCURRENCY) and replaces IO_THREADS.", integer(0, 1024)),
                new Setting("BROKER_WRITE_CONCURRENCY", "200",
                        "Messages at end of data processed at once (the inbound route's threads: end-of-data checks, then the blocking durable broker write); concurrent writes share journal syncs (group commit). More messages wait for a thread, their clients for the reply.", integer(1, 4096)),
                new Setting("LISTEN_BACKLOG", "1024",
                        "TCP accept backlog of the SMTP listener.", integer(1, 65535)),
                new Setting("TCP_NODELAY", "true",
                        "Disable Nagle's algorithm on SMTP sessions (replies go out at once).", bool()),
                new Setting("TCP_KEEPALIVE", "true",
                        "TCP keep-alive on SMTP sessions, so dead peers are noticed.", bool()),
                new Setting("TCP_KEEPALIVE_IDLE", "60",
                        "Seconds an SMTP session's connection is quiet before the first keep-alive probe (TCP_KEEPIDLE; with TCP_KEEPALIVE=true); 0 keeps the kernel's net.ipv4.tcp_keepalive_time.", integer(0, 32_767)),
                new Setting("TCP_KEEPALIVE_INTERVAL", "10",
                        "Seconds between keep-alive probes that get no answer (TCP_KEEPINTVL); 0 keeps the kernel's net.ipv4.tcp_keepalive_intvl.", integer(0, 32_767)),
                new Setting("TCP_KEEPALIVE_COUNT", "6",
                        "Unanswered keep-alive probes before the kernel drops the connection (TCP_KEEPCNT), so a vanished client frees its connection slot after IDLE + INTERVAL x COUNT seconds; 0 keeps the kernel's net.ipv4.tcp_keepalive_probes.", integer(0, 127)),
                new Setting("SOCKET_RECV_BUFFER", "0",
                        "Receive buffer of each SMTP connection in octets (SO_RCVBUF); 0 leaves it to the kernel, which autotunes it. Linux doubles the value and caps it at net.core.rmem_max; a fixed size turns autotuning off.", TcpOptions.BUFFER_SIZE),
                new Setting("SOCKET_SEND_BUFFER", "0",
                        "Send buffer of each SMTP connection in octets (SO_SNDBUF); 0 leaves it to the kernel (autotuning). Linux doubles the value and caps it at net.core.wmem_max.", TcpOptions.BUFFER_SIZE),
                new Setting("PIPELINE_MAX_COMMANDS", "100",
                        "Pipelined commands (RFC 2920) one session takes from a burst before it stops reading, sends their replies and waits until they are written; then it reads on. Nothing is refused or lost: a deep burst is served in windows of this size.", integer(1, 100_000)),
                new Setting("PROXY_PROTOCOL", "false",
                        "Every SMTP listener expects a PROXY protocol v1/v2 header first (HAProxy send-proxy-v2) and takes the client address from it; a connection without one, or from outside PROXY_TRUSTED_NETWORKS, is closed unanswered. Only behind a proxy (docs/deployment.md).", bool()),
                new Setting("PROXY_TRUSTED_NETWORKS", "127.0.0.0/8,::1/128",
                        "With PROXY_PROTOCOL=true: comma-separated IPv4/IPv6 addresses or CIDR networks of the proxies (HAProxy) allowed to connect and name the client in a PROXY header; a connection from anywhere else is closed at once, unanswered (smtp_connections_rejected_total{reason=\"untrusted_proxy\"}). The default trusts HAProxy on the same host only.",
                        v -> v.isBlank() ? "must name the proxies' networks (empty would close every connection), got nothing"
                                : io.mailgateway.policy.limits.CidrSet.check(v)));
    }
}
