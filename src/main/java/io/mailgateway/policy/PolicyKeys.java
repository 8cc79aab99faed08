package io.mailgateway.policy;

import static io.mailgateway.config.Setting.any;
import static io.mailgateway.config.Setting.bool;
import static io.mailgateway.config.Setting.hostname;
import static io.mailgateway.config.Setting.integer;

import io.mailgateway.config.Setting;
import io.mailgateway.config.SettingGroup;
import java.util.List;

/**
 * Policy keys: DNS and its cache, connection caps, rate limits, greylisting, SPF, DKIM
 * verification, DMARC (docs/policy.md). Each key: default, meaning (copied into
 * docs/configuration.md) and check.
 */
public final class PolicyKeys implements SettingGroup {

    @Override
    public List<Setting> settings() {
        return List.of(
                new Setting("DNS_SERVERS", "",
                        "Comma-separated DNS servers as host:port (port 53 if left out, [v6]:port for IPv6) used by the mail-authentication checks and delivery's next hops; empty means the system's resolvers. A query no server answered is sent again to the next one (DNS_TIMEOUT).", io.mailgateway.policy.dns.DnsjavaResolver::checkServers),
                new Setting("DNS_TIMEOUT", "5000",
                        "Milliseconds a DNS lookup lasts at most. Unanswered, the query is sent again after a third of it and after two thirds (3 tries, each to the next of DNS_SERVERS, starting with the one that answered last; an earlier try's late answer still counts). Delivery's MX and address lookups wait this long; the end-of-data checks wait POLICY_DNS_TIMEOUT. A timeout or SERVFAIL is a temporary error (temperror), never \"no record\".", integer(100, 120_000)),
                new Setting("POLICY_DNS_TIMEOUT", "2000",
                        "Milliseconds the end-of-data checks (SPF, DKIM, DMARC) of one message wait for DNS in all, before the lookups still unanswered give temperror (a value above DNS_TIMEOUT counts as DNS_TIMEOUT). The queries go on up to DNS_TIMEOUT and late answers are cached for the next message, so a slow or dead name costs only the messages that need it, at most this long each. Keep it above a third of DNS_TIMEOUT, so that the resend of a lost query falls within it. Only the checks wait this: delivery waits DNS_TIMEOUT.", integer(10, 120_000)),
                new Setting("DNS_CACHE_MAX_ENTRIES", "10000",
                        "Most DNS answers kept in the cache (least recently used dropped first); answers live for their TTL, negative ones for the SOA's negative TTL. 0 turns the cache off.", integer(0, 10_000_000)),
                new Setting("DNS_CACHE_MAX_TTL", "86400",
                        "Longest time in seconds a DNS answer stays cached, whatever its TTL.", integer(0, 604_800)),
                new Setting("DNS_CACHE_FAILURE_TTL", "5",
                        "Seconds a temporary DNS error (timeout, SERVFAIL) of a name is remembered, so a burst of mail from a domain whose DNS is down does not wait for one timeout per message; 0 asks again every time. Concurrent lookups of the same name always share one query.", integer(0, 300)),
                new Setting("DISK_MIN_FREE", "67108864",
                        "Octets that must stay free on the file system of DATA_DIR; below it new mail gets 452 4.3.1 at MAIL FROM and at the end of DATA (looked at once a second) until space returns. 0: no minimum. If BROKER_CONFIG sets Artemis' min-disk-free (it then blocks every send below it and ignores max-disk-usage), this must be above it: the gateway does not start otherwise.", integer(0, Long.MAX_VALUE)),
                new Setting("DISK_MAX_USAGE", "85",
                        "Percent of the file system of DATA_DIR that may be used; at or above it new mail gets 452 4.3.1 (looked at once a second, at MAIL FROM and again at the end of DATA). It must be below the broker's max-disk-usage (90 in broker.xml), where Artemis blocks every send and sessions would hang: the gateway does not start otherwise. 100: no limit (with max-disk-usage -1).", integer(1, 100)),
                new Setting("MAX_CONNECTIONS", "1000",
                        "Most SMTP sessions open at once on a listener; one more gets 421 4.7.0 before the greeting and is closed.", integer(1, 1_000_000)),
                new Setting("MAX_CONNECTIONS_PER_IP", "20",
                        "Most sessions open at once from one IPv4 address or one IPv6 /64; one more gets 421 4.7.0 before the greeting. 0 means no per-address cap. RATE_LIMIT_WHITELIST is exempt.", integer(0, 1_000_000)),
                new Setting("RATE_LIMIT_ENABLED", "true",
                        "Rate limits per client (IPv4 address or IPv6 /64), token buckets: messages (RATE_LIMIT_PER_MINUTE; over it, 450 4.7.1 at MAIL FROM) and, when set, connections (CONNECTION_RATE_LIMIT_PER_MINUTE; over it, 421 4.7.0 at connect), with \"try again in N seconds\".", bool()),
                new Setting("RATE_LIMIT_PER_MINUTE", "1200",
                        "Messages per minute per client: each MAIL FROM takes one token of the client's bucket, which regains this many a minute; connections take none. Changed: a connection used to take a token too.", integer(1, 60_000_000)),
                new Setting("RATE_LIMIT_BURST", "300",
                        "Size of a client's message bucket: messages it may send at once after being quiet.", integer(1, 10_000_000)),
                new Setting("CONNECTION_RATE_LIMIT_PER_MINUTE", "0",
                        "New connections per minute per client, a bucket of its own holding one minute's worth; one more gets 421 4.7.0 before the greeting. 0 means no connection rate limit (MAX_CONNECTIONS_PER_IP still caps open sessions).", integer(0, 60_000_000)),
                new Setting("RATE_LIMIT_WHITELIST", "127.0.0.0/8,::1",
                        "Comma-separated IPv4/IPv6 addresses or CIDR networks exempt from MAX_CONNECTIONS_PER_IP, the rate limit and greylisting (still counted in MAX_CONNECTIONS); IPv4-mapped IPv6 clients match their IPv4 entries. Empty exempts no one.",
                        io.mailgateway.policy.limits.CidrSet::check),
                new Setting("RATE_LIMIT_CLEANUP_INTERVAL", "60",
                        "Seconds between sweeps that drop idle (full) rate-limit buckets and expired greylist triplets.", integer(1, 86_400)),
                new Setting("RATE_LIMIT_MAX_TRACKED", "100000",
                        "Most clients with a rate-limit bucket (about 100 bytes each); when full, idle buckets are swept and, if still full, new clients share one overflow bucket.", integer(100, 10_000_000)),
                new Setting("GREYLIST_ENABLED", "false",
                        "Greylisting at RCPT: the first time a (client IPv4 /24 or IPv6 /64, sender, recipient) triplet is seen it gets 451 4.7.1 \"try again in N seconds\"; a retry after GREYLIST_DELAY passes.", bool()),
                new Setting("GREYLIST_DELAY", "300",
                        "Seconds a new triplet must wait before a retry passes.", integer(0, 86_400)),
                new Setting("GREYLIST_EXPIRY", "14400",
                        "Seconds an unretried triplet is remembered; a retry after this starts over. Must be longer than GREYLIST_DELAY.", integer(60, 30 * 86_400)),
                new Setting("GREYLIST_PASS_LIFETIME", "3110400",
                        "Seconds (36 days) a triplet that passed keeps passing without delay, renewed on each use.", integer(60, 365 * 86_400)),
                new Setting("GREYLIST_MAX_ENTRIES", "200000",
                        "Most triplets remembered (a few hundred bytes each); when full, expired ones are dropped and, if still full, new triplets pass unrecorded.", integer(100, 10_000_000)),
                new Setting("GREYLIST_PERSIST", "true",
                        "Keep the greylist in $DATA_DIR/greylist.db (SQLite, written every second) so a restart does not greylist known senders again; false keeps it in memory only.", bool()),
                new Setting("CACHE_BACKEND", "memory",
                        "Where rate-limit buckets and greylisting live: memory (this process; the single-node default) or redis (shared by every node pointed at the same Redis, REDIS_*; docs/policy.md). With redis the gateway does not start while Redis does not answer (5 tries at startup, 1 s apart); if Redis goes away later, rate limits and greylisting let mail pass until it answers again.",
                        v -> v.matches("memory|redis") ? null : "must be memory or redis, got '" + v + "'"),
                new Setting("REDIS_HOST", "127.0.0.1",
                        "Redis server of CACHE_BACKEND=redis (host name or address).", hostname()),
                new Setting("REDIS_PORT", "6379",
                        "Port of the Redis server of CACHE_BACKEND=redis.", integer(1, 65_535)),
                new Setting("REDIS_DB", "0",
                        "Redis database number (SELECT) for CACHE_BACKEND=redis; keys start with mailgateway: and all expire on their own.", integer(0, 65_535)),
                new Setting("REDIS_PASSWORD", "",
                        "Password (AUTH) of the Redis server of CACHE_BACKEND=redis; empty means none.", any()),
                new Setting("REDIS_POOL_SIZE", "2",
                        "Connections to Redis for CACHE_BACKEND=redis; each carries many requests at once (Lettuce multiplexes), clients are spread over them.", integer(1, 64)),
                new Setting("REDIS_TIMEOUT", "500",
                        "Milliseconds to wait for Redis to connect or answer one request (CACHE_BACKEND=redis); past it that check fails open. The session waits this long at most per check.", integer(10, 60_000)),
                new Setting("SPF_CACHE_ENABLED", "true",
                        "Remember SPF results per (client address, sender domain, HELO name) for SPF_CACHE_TTL seconds; temperror is never remembered.", bool()),
                new Setting("SPF_CACHE_MAX_ENTRIES", "10000",
                        "Most SPF results kept in the cache (least recently used dropped first).", integer(1, 10_000_000)),
                new Setting("SPF_CACHE_TTL", "300",
                        "Seconds an SPF result stays cached; keep it short, as the result also rests on DNS records with their own TTLs.", integer(1, 86_400)),
                new Setting("DKIM_CACHE_ENABLED", "true",
                        "Keep parsed DKIM public keys per (selector, domain) between messages; temporary DNS errors are never cached.", bool()),
                new Setting("DKIM_CACHE_MAX_ENTRIES", "10000",
                        "Most DKIM keys (or permanent \"no key\" answers) kept in the key cache, least recently used dropped first.", integer(1, 10_000_000)),
                new Setting("DKIM_CACHE_TTL", "3600",
                        "Longest time in seconds a DKIM key stays cached; a shorter TTL of its TXT record wins.", integer(1, 604_800)),
                new Setting("HOP_COUNT_LIMIT", "100",
                        "Route step headerLimits: a message that arrives with more Received header fields than this is refused with 554 5.4.6 (a mail loop, RFC 5321 6.3, which asks for at least 100).", integer(10, 100_000)),
                new Setting("SPF_CHECK_ENABLED", "true",
                        "Route step spfCheck: SPF (RFC 7208) of MAIL FROM (HELO for <>); the result goes into Authentication-Results and feeds DMARC, it never rejects on its own.", bool()),
                new Setting("DKIM_VERIFY_ENABLED", "true",
                        "Route step dkimVerify: verify every DKIM-Signature (RFC 6376); the results go into Authentication-Results and feed DMARC, they never reject on their own.", bool()),
                new Setting("DMARC_CHECK_ENABLED", "true",
                        "Route step dmarcCheck: DMARC (RFC 7489) of the From domain; p=reject failures get 550 5.7.1 at end of data, quarantine is stored flagged (Maildir folder .Junk, SQL column quarantined).", bool()),
                new Setting("DMARC_POLICY_OVERRIDE", "",
                        "Per-domain override of the disposition of DMARC failures, e.g. example.org=none,bank.test=reject (the From domain or its organizational domain); applies only to domains that publish a record.",
                        io.mailgateway.policy.dmarc.DmarcEvaluator::checkOverrides),
                new Setting("DMARC_TEMPERROR_ACTION", "accept",
                        "What a DMARC temperror (DNS timeout or SERVFAIL for the policy, or an SPF/DKIM temperror when nothing aligned) does: accept (deliver, dmarc=temperror in Authentication-Results, no disposition) or tempfail (451 4.4.3, the client retries).",
                        v -> v.matches("accept|tempfail") ? null : "must be accept or tempfail, got '" + v + "'"),
                new Setting("POLICY_DATA_CHECKS", "",
                        "Comma-separated class names of extra end-of-data checks (io.mailgateway.policy.DataCheck, public no-argument constructor, jar on the class path); the decision step runs them in this order after the checks of routes/inbound.camel.yaml, just before it decides (docs/policy.md). Empty adds none.",
                        ConfiguredChecks::check));
    }
}
