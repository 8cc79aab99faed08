package io.mailgateway.delivery;

import static io.mailgateway.config.Setting.bool;
import static io.mailgateway.config.Setting.decimal;
import static io.mailgateway.config.Setting.domainList;
import static io.mailgateway.config.Setting.duration;
import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/**
 * Delivery keys: the queue's retry schedule, next hops (transport map, smarthost, relayed
 * domains), the outbound SMTP client, DKIM signing (docs/delivery.md). Each key: default, meaning
 * (copied into docs/configuration.md) and check.
 */
public final class DeliveryKeys implements SettingGroup {

    /** Smallest BDAT chunk: below this the command line costs more than the chunk. */
    static final int MIN_CHUNK = 1024;
    static final int MAX_CHUNK = 64 * 1024 * 1024;

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("QUEUE_INITIAL_RETRY_DELAY", "60",
                        "Delay before the first retry of a temporarily failed delivery: seconds (decimals allowed) or a number with ms, s, m, h or d.", duration()),
                new Setting("QUEUE_RETRY_BACKOFF", "2.0",
                        "Each further retry waits this many times longer than the one before (1.0 = fixed delay).", decimal(1.0, 100.0)),
                new Setting("QUEUE_MAX_RETRY_DELAY", "3600",
                        "Longest wait between two delivery attempts, however many attempts came before: seconds or a number with ms, s, m, h or d.", duration()),
                new Setting("QUEUE_MAX_RETRIES", "129",
                        "Retries of a temporarily failed delivery (per recipient) before it bounces: at most 1 + QUEUE_MAX_RETRIES attempts; 0 bounces after the first attempt. Changed: it used to count the first attempt too (130 then is 129 now).", integer(0, 10_000)),
                new Setting("QUEUE_MAX_AGE", "5d",
                        "A recipient still undelivered this long after the message was received bounces (RFC 5321 4.5.4.1 suggests 4-5 days): seconds or a number with ms, s, m, h or d.", duration()),
                new Setting("QUEUE_DELAY_WARNING", "0",
                        "Age of a message still being retried at which its sender gets one delay warning (RFC 3464 Action: delayed); 0 means never. Seconds or a number with ms, s, m, h or d, e.g. 4h.", duration()),
                new Setting("QUEUE_WORKER_THREADS", "4",
                        "Messages of the delivery queue handled at once (concurrent consumers of the broker queue \"delivery\").", integer(1, 1024)),
                new Setting("QUEUE_PARALLEL_WORKERS", "4",
                        "Next hops of one message tried at the same time; 1 tries them one after the other.", integer(1, 256)),
                new Setting("QUEUE_ENABLED", "true",
                        "false: the gateway keeps no delivery queue, a store-only gateway. Recipients it would relay (TRANSPORT_MAP, RELAY_DOMAINS, or any domain after AUTH) get 550 5.7.1 at RCPT, the delivery route's consumer is not started; local mail is stored as ever.", bool()),
                new Setting("TRANSPORT_MAP", "*=mx",
                        "Next hop per recipient domain, comma-separated DOMAIN=TRANSPORT: mx (MX lookup of the domain), smtp:host:port (MX lookup of host, as in Postfix) or smtp:[host]:port (that host, no MX lookup); * is every other domain. An entry for a domain also makes it relayed.",
                        TransportMap::check),
                new Setting("RELAY_HOST", "",
                        "Smarthost for every domain the transport map sends to *: host:port (MX lookup of host) or [host]:port (that host); empty means *'s own transport.",
                        TransportMap::checkRelayHost),
                new Setting("RELAY_DOMAINS", "",
                        "Comma-separated recipient domains relayed onward besides those named in TRANSPORT_MAP; empty relays nothing else (no open relay). LOCAL_DOMAINS are only stored unless TRANSPORT_MAP names them.",
                        v -> v.isBlank() ? null : Setting.domainList().apply(v)),
                new Setting("RELAY_TLS", "may",
                        "Outbound STARTTLS: may (when offered, no certificate check, plaintext retry once if the handshake fails) or none.",
                        v -> v.matches("may|none") ? null : "must be may or none, got '" + v + "'"),
                new Setting("RELAY_CONNECT_TIMEOUT", "30",
                        "Seconds to wait for the TCP connection to a next-hop host before trying the next one.", integer(1, 3600)),
                new Setting("RELAY_COMMAND_TIMEOUT", "300",
                        "Seconds to wait for the reply to the greeting, EHLO, STARTTLS, MAIL, RCPT, DATA and RSET (RFC 5321 4.5.3.2: 5 minutes).", integer(1, 3600)),
                new Setting("RELAY_DATA_TIMEOUT", "600",
                        "Seconds a message's data may stall while being sent, and to wait for the reply after the final dot (RFC 5321 4.5.3.2: 10 minutes).", integer(1, 7200)),
                new Setting("RELAY_CONNECTION_POOL_SIZE", "4",
                        "Idle outbound connections kept per next-hop address for reuse (RSET between messages); 0 opens one connection per message.", integer(0, 1000)),
                new Setting("RELAY_CONNECTION_IDLE_TIME", "10",
                        "Seconds an idle pooled outbound connection is kept before QUIT.", integer(1, 3600)),
                new Setting("BDAT_CHUNK_SIZE", "1048576",
                        "Octets per BDAT chunk (RFC 3030 CHUNKING) when relaying to a next hop that offers CHUNKING: no dot-stuffing, no end-of-data scan at the receiver; one chunk is held in memory per sending worker. 0 never uses BDAT (always DATA).", Setting.zeroOrBetween(MIN_CHUNK, MAX_CHUNK, "always DATA")),
                new Setting("DKIM_SIGN_DOMAINS", "",
                        "Domains whose outgoing mail (submitted with AUTH, or the gateway's own DSNs; never unauthenticated mail passing through) is DKIM-signed, as domain:selector pairs, comma separated (e.g. example.com:sel1,example.org:mail), key in $DATA_DIR/dkim/DOMAIN.SELECTOR.key (PKCS#8 PEM, made by `dkim keygen`); a domain listed twice (RSA and Ed25519 selector) gets both signatures; empty means no signing.",
                        io.mailgateway.policy.dkim.DkimSigner::checkDomains));
    }
}
