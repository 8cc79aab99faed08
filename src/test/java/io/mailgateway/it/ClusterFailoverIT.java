package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.message.QueueIds;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mailgateway.testing.CaptureSmtpServer;
import io.mailgateway.testing.RedisProcess;
import io.mailgateway.testing.SmtpTestClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateway processes (each its own JVM, the packaged jar) on loopback form an Artemis
 * cluster; each keeps a synchronous replica of the previous node's broker (a ring, file lock
 * manager), the SQL store is one PostgreSQL, rate limits live in one Redis (the loopback
 * senders are not exempt, so every MAIL FROM takes a token there), and relayed mail goes to one
 * next hop on loopback.
 * While messages stream in round-robin, node 1 is killed with SIGKILL. Then:
 * <ul>
 *   <li>every message that got 250, on any node, is in PostgreSQL exactly once and reached the
 *       next hop (none lost);</li>
 *   <li>the retries node 1 had scheduled before it died are attempted by the survivors, not
 *       before they were due (its replica became live and handed them on);</li>
 *   <li>queue IDs carry the node that accepted the message;</li>
 *   <li>node 1, started again, takes its broker's role back from its replica (fail-back) and
 *       takes mail.</li>
 * </ul>
 * Duplicates at the next hop are counted and printed: a delivery under way at the kill (the next
 * hop's 250 came, the broker's ack did not) is delivered again by the replica, as by any MTA that
 * crashes at that instant (RFC 5321 section 6.1 accepts such duplicates); they can only be among
 * the deliveries in flight at that moment.
 */
class ClusterFailoverIT {

    private static final int NODES = 3;
    private static final int MESSAGES = 3_000;
    private static final int KILL_AFTER = 1_000;
    private static final int RETRIES = 8;
    private static final int RETRY_DELAY_SECONDS = 45;
    /** The kill comes at the latest this long after node 1's first attempts: well before its retries are due. */
    private static final Duration KILL_AT_THE_LATEST = Duration.ofSeconds(15);
    private static final Pattern SUBJECT = Pattern.compile("Subject: cluster (\\d+)");

    @TempDir
    Path dir;
    private int redisPort;
    private final Map<Integer, Integer> metricsPorts = new HashMap<>();

    /** Node {@code n}'s broker_replica_in_sync as /metrics shows it, or -1 when unreadable. */
    private double replicaInSync(int n) {
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPorts.get(n) + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("(?m)^broker_replica_in_sync(\\{[^}]*\\})? (\\S+)$").matcher(r.body());
            return m.find() ? Double.parseDouble(m.group(2)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Test
    void should_lose_nothing_when_a_node_is_killed_under_load() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).start();
        String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
        List<GatewayProcess> nodes = new ArrayList<>();
        try (CaptureSmtpServer hop = CaptureSmtpServer.start(); RedisProcess redis = RedisProcess.start(dir.resolve("redis"))) {
            redisPort = redis.port();
            ClusterNodes cluster = new ClusterNodes(NODES);
            for (int n = 1; n <= NODES; n++) {
                nodes.add(GatewayProcess.launch(ClusterNodes.workDir(dir, n), nodeEnv(cluster, n, url, hop.port()), "-Xmx256m"));
            }
            for (GatewayProcess node : nodes) {
                node.awaitGreetingWithin(Duration.ofSeconds(120));
            }
            // Each broker's replica (on the next node) has copied its journal.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> replicaInSync(1) == 1 && replicaInSync(2) == 1 && replicaInSync(3) == 1);

            // Retries pending on node 1: the next hop answers 450 to the first RCPT of each temp1- address.
            List<String> retried = new ArrayList<>();
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(nodes.get(0).port())) {
                for (int i = 0; i < RETRIES; i++) {
                    String rcpt = "temp1-cluster" + i + "@relay.test";
                    String id = c.sendMail("s@example.org", List.of(rcpt),
                            ("Subject: retry " + i + "\r\n\r\nbody\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                    assertThat(QueueIds.nodeOf(id)).as("node in queue ID %s", id).isEqualTo(1);
                    retried.add(rcpt);
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> retried.stream().allMatch(r -> hop.attempts(r).size() == 1));
            long firstAttempts = System.nanoTime();

            Map<Integer, String> acknowledged = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(6);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int first = t;
                running.add(senders.submit(() -> send(nodes, first, next, acknowledged)));
            }
            // Under load, mid-stream: after KILL_AFTER messages, or sooner on a slow machine, so that the
            // retries are still pending on node 1 when it dies.
            await().atMost(Duration.ofSeconds(180)).until(() -> acknowledged.size() >= KILL_AFTER
                    || acknowledged.size() >= KILL_AFTER / 10 && System.nanoTime() - firstAttempts > KILL_AT_THE_LATEST.toNanos());
            nodes.get(0).kill9();
            int acknowledgedAtKill = acknowledged.size();
            assertThat(retried).as("retries still pending on node 1 when it died").allMatch(r -> hop.attempts(r).size() == 1);
            long killedAt = System.currentTimeMillis();
            ClusterNodes.awaitReplicaLive(nodes.subList(1, NODES), 1, Duration.ofSeconds(60));
            long failoverMillis = System.currentTimeMillis() - killedAt;
            // Node 3's replica was in node 1: its mail is on one disk now, and its metric says so.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> replicaInSync(3) == 0);
            assertThat(replicaInSync(2)).as("node 2's replica, on node 3").isEqualTo(1);
            for (Future<?> f : running) {
                f.get(300, TimeUnit.SECONDS);
            }
            senders.shutdown();
            assertThat(acknowledged.size()).as("messages that got 250").isGreaterThan(acknowledgedAtKill);

            // Every acknowledged message: one row in PostgreSQL, and at the next hop.
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> rowsBySubject(url).keySet().containsAll(acknowledged.keySet())
                            && deliveredBySubject(hop).keySet().containsAll(acknowledged.keySet()));
            Map<Integer, Integer> rows = rowsBySubject(url);
            Map<Integer, Integer> delivered = deliveredBySubject(hop);
            long duplicateRows = acknowledged.keySet().stream().filter(m -> rows.get(m) > 1).count();
            long duplicateDeliveries = acknowledged.keySet().stream().filter(m -> delivered.get(m) > 1).count();
            System.out.printf("cluster kill: failover_ms=%d acknowledged=%d stored=%d duplicates_in_sql=%d delivered=%d duplicate_deliveries=%d lost=0%n",
                    failoverMillis, acknowledged.size(), acknowledged.keySet().stream().filter(rows::containsKey).count(), duplicateRows,
                    acknowledged.keySet().stream().filter(delivered::containsKey).count(), duplicateDeliveries);
            assertThat(duplicateRows).as("messages stored twice in SQL").isZero();
            Set<Integer> byNode = new java.util.HashSet<>();
            acknowledged.values().forEach(id -> byNode.add(QueueIds.nodeOf(id)));
            assertThat(byNode).as("nodes in the acknowledged queue IDs").containsExactlyInAnyOrder(1, 2, 3);

            // Node 1's pending retries: attempted again by a survivor, not before they were due.
            await().atMost(Duration.ofSeconds(RETRY_DELAY_SECONDS * 6L))
                    .until(() -> retried.stream().allMatch(r -> hop.attempts(r).size() >= 2));
            for (String r : retried) {
                List<Long> attempts = hop.attempts(r);
                assertThat(attempts.get(1) - attempts.get(0)).as("retry of %s after its first attempt", r)
                        .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toMillis(RETRY_DELAY_SECONDS) - 1_000);
                assertThat(attempts.get(1)).as("retry of %s came after node 1 died", r).isGreaterThan(killedAt);
                assertThat(hop.messagesFor(r)).as("%s delivered", r).isNotEmpty();
            }

            // Node 1 returns: its broker copies the journal back from its replica and takes its role back.
            GatewayProcess returned = GatewayProcess.launch(ClusterNodes.workDir(dir, 1), nodeEnv(cluster, 1, url, hop.port()), "-Xmx256m");
            nodes.add(returned);
            returned.awaitGreetingWithin(Duration.ofSeconds(180));
            assertThat(returned.log()).contains("node 1's broker is live again");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> (nodes.get(1).log() + nodes.get(2).log()).contains("node 1 is back and took its broker's role back"));
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(returned.port())) {
                String id = c.sendMail("s@example.org", List.of("u@example.com"),
                        "Subject: cluster 999999\r\n\r\nafter the return\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(QueueIds.nodeOf(id)).isEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> rowsBySubject(url).containsKey(999_999));
            assertThat(rateLimitKeys(redis.port())).as("rate-limit buckets the nodes share in Redis").isNotEmpty();
        } finally {
            nodes.forEach(GatewayProcess::close);
            pg.close();
        }
    }

    /** The cluster's settings for node {@code n} with the file lock manager, the SQL store on PostgreSQL and the retry schedule. */
    private Map<String, String> nodeEnv(ClusterNodes cluster, int n, String dbUrl, int hopPort) throws IOException {
        Map<String, String> env = cluster.env(dir, n, hopPort);
        env.put("HA_LOCK_MANAGER", "file");
        env.put("HA_LOCKS_DIR", Files.createDirectories(dir.resolve("locks")).toString());
        env.put("STORAGE_TYPE", "sql");
        env.put("DB_URL", dbUrl);
        env.put("DB_USER", "postgres");
        env.put("DB_POOL_SIZE", "4");
        env.put("QUEUE_INITIAL_RETRY_DELAY", String.valueOf(RETRY_DELAY_SECONDS));
        env.put("RATE_LIMIT_ENABLED", "true");
        env.put("CACHE_BACKEND", "redis");
        env.put("REDIS_PORT", String.valueOf(redisPort));
        env.put("REDIS_TIMEOUT", "5000"); // a loaded machine, several JVMs starting at once
        env.put("RATE_LIMIT_WHITELIST", "");
        env.put("RATE_LIMIT_PER_MINUTE", "1000000");
        env.put("RATE_LIMIT_BURST", "1000000");
        env.put("METRICS_PORT", String.valueOf(metricsPorts.computeIfAbsent(n, k -> GatewayProcess.freePort())));
        return env;
    }

    /**
     * One sender thread: messages "cluster N" to a local and a relayed recipient, one session at a
     * time, moving to the next node after each session or when a node stops answering.
     */
    private static void send(List<GatewayProcess> nodes, int first, AtomicInteger next, Map<Integer, String> acknowledged) {
        int node = first % nodes.size();
        int seq = next.getAndIncrement();
        while (seq < MESSAGES) {
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(nodes.get(node).port())) {
                for (int i = 0; i < 20 && seq < MESSAGES; i++) {
                    String id = c.sendMail("s@example.org", List.of("u@example.com", "r@relay.test"),
                            ("Subject: cluster " + seq + "\r\n\r\nbody " + seq + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                    acknowledged.put(seq, id);
                    seq = next.getAndIncrement();
                }
            } catch (IOException | AssertionError e) {
                // The node died mid-session or refused: no 250, so not acknowledged. It may still be stored (the
                // replica has what reached the journal), so the next node gets a new number, never this one again.
                seq = next.getAndIncrement();
            }
            node = (node + 1) % nodes.size();
        }
    }

    private static List<String> rateLimitKeys(int redisPort) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + redisPort);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().keys("mailgateway:rl:*");
        } finally {
            client.shutdown();
        }
    }

    private static Map<Integer, Integer> rowsBySubject(String url) {
        Map<Integer, Integer> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", null);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT subject, COUNT(*) FROM messages WHERE subject LIKE 'cluster %' GROUP BY subject")) {
            while (rs.next()) {
                rows.put(Integer.parseInt(rs.getString(1).substring("cluster ".length())), rs.getInt(2));
            }
        } catch (Exception e) {
            return Map.of(); // the schema is not there yet
        }
        return rows;
    }

    private static Map<Integer, Integer> deliveredBySubject(CaptureSmtpServer hop) {
        Map<Integer, Integer> delivered = new HashMap<>();
        for (CaptureSmtpServer.Received m : hop.messagesFor("r@relay.test")) {
            Matcher subject = SUBJECT.matcher(m.text());
            if (subject.find()) {
                delivered.merge(Integer.parseInt(subject.group(1)), 1, Integer::sum);
            }
        }
        return delivered;
    }
}
