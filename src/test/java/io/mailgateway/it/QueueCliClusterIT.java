package io.mailgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.broker.AdminCredentials;
import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.QueueIds;
import io.mailgateway.testing.CaptureSmtpServer;
import io.mailgateway.testing.SmtpTestClient;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.json.JsonArray;
import org.apache.activemq.artemis.json.JsonObject;
import org.apache.activemq.artemis.json.JsonValue;
import org.apache.activemq.artemis.utils.JsonLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue CLI on a cluster: two gateway processes whose brokers form an Artemis cluster (no
 * HA), a next hop on loopback that answers 450 to the first attempt of each message, so mail
 * accepted by node 2 waits in node 2's broker for a retry an hour away. Node 1's CLUSTER_PEERS is
 * empty (node 2 names node 1, and node 1 learns of node 2 from the cluster), so the CLI, run as
 * its own process with node 1's configuration, finds node 2 through the cluster's topology. It
 * lists node 2's message under node 2 (text and JSON), shows it, releases its retry (node 2 then
 * delivers it) and deletes another one from node 2's queue (checked on node 2's broker
 * directly). With node 2 killed, a CLI whose CLUSTER_PEERS names node 2 still lists node 1 and
 * reports node 2 unreachable (exit status 5, also with --json), and a lookup of the message left
 * on node 2 says which node was not asked.
 */
class QueueCliClusterIT {

    private static final String RETRIED = "temp1-retry@relay.test";
    private static final String DELETED = "temp1-delete@relay.test";
    private static final String KEPT = "temp1-kept@relay.test";

    @TempDir
    Path dir;

    @Test
    void should_show_and_repair_another_nodes_queue_through_any_node() throws Exception {
        List<GatewayProcess> nodes = new ArrayList<>();
        try (CaptureSmtpServer hop = CaptureSmtpServer.start()) {
            int[] clusterPorts = {0, GatewayProcess.freePort(), GatewayProcess.freePort()};
            List<Map<String, String>> env = List.of(Map.of(), nodeEnv(1, clusterPorts, hop.port()), nodeEnv(2, clusterPorts, hop.port()));
            for (int n = 1; n <= 2; n++) {
                nodes.add(GatewayProcess.launch(dir.resolve("node" + n), env.get(n), "-Xmx256m"));
            }
            for (GatewayProcess node : nodes) {
                node.awaitGreetingWithin(Duration.ofSeconds(90));
            }
            int node2Broker = Integer.parseInt(env.get(2).get("BROKER_PORT"));
            AdminCredentials node2Login = AdminCredentials.read(Path.of(env.get(2).get("DATA_DIR")));

            String retried;
            String deleted;
            String kept;
            try (SmtpTestClient c = SmtpTestClient.connectEhlo(nodes.get(1).port())) {
                retried = c.sendMail("s@example.org", List.of(RETRIED), "Subject: retry\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
                deleted = c.sendMail("s@example.org", List.of(DELETED), "Subject: delete\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
                kept = c.sendMail("s@example.org", List.of(KEPT), "Subject: kept\r\n\r\nbody\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(QueueIds.nodeOf(retried)).isEqualTo(2);
            await().atMost(Duration.ofSeconds(60)).until(() -> hop.attempts(RETRIED).size() == 1 && hop.attempts(DELETED).size() == 1
                    && hop.attempts(KEPT).size() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> scheduledIds(node2Broker, node2Login).containsAll(List.of(retried, deleted, kept)));

            Path cli = dir.resolve("cli");
            String node2Heading = "== node 2 (127.0.0.1:" + clusterPorts[2] + ") ==";
            // Node 1 knows node 2 once node 2's cluster bridge has announced it.
            GatewayProcess.CommandResult list = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> GatewayProcess.command(cli, env.get(1), "queue", "list"), r -> r.out().contains(node2Heading));
            System.out.println("queue list on node 1:\n" + list.out());
            assertThat(list.status()).as(list.err()).isZero();
            String node1 = section(list.out(), "== node 1 (this node) ==");
            String node2 = section(list.out(), node2Heading);
            assertThat(node1).contains("delivery: 0 message(s)").doesNotContain(retried);
            assertThat(node2).contains("delivery: 3 message(s)");
            assertThat(node2.lines().filter(l -> l.startsWith(retried)).findFirst().orElseThrow())
                    .contains("<s@example.org>", RETRIED, "450 4.2.0");

            GatewayProcess.CommandResult json = GatewayProcess.command(cli, env.get(1), "queue", "list", "--json");
            assertThat(json.status()).as(json.err()).isZero();
            Map<String, JsonObject> byId = new HashMap<>();
            for (JsonValue v : JsonLoader.readArray(new StringReader(json.out()))) {
                byId.put(v.asJsonObject().getString("id"), v.asJsonObject());
            }
            assertThat(byId.get(retried).getInt("node")).isEqualTo(2);
            assertThat(byId.get(retried).getString("state")).isEqualTo("scheduled");

            GatewayProcess.CommandResult show = GatewayProcess.command(cli, env.get(1), "queue", "show", deleted);
            assertThat(show.status()).as(show.err()).isZero();
            assertThat(show.out()).startsWith("== node 2 (").contains(deleted + " in delivery", "waiting for retry at");

            // Acted on where the message is: node 2 delivers the released retry, and no longer holds the deleted one.
            GatewayProcess.CommandResult retry = GatewayProcess.command(cli, env.get(1), "queue", "retry", retried);
            assertThat(retry.status()).as(retry.err()).isZero();
            assertThat(retry.out()).contains("== node 2 (", retried + ": released for delivery now (1 scheduled message(s))");
            await().atMost(Duration.ofSeconds(30)).until(() -> !hop.messagesFor(RETRIED).isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> !scheduledIds(node2Broker, node2Login).contains(retried));

            GatewayProcess.CommandResult delete = GatewayProcess.command(cli, env.get(1), "queue", "delete", deleted);
            assertThat(delete.status()).as(delete.err()).isZero();
            assertThat(delete.out()).contains("== node 2 (", "deleted " + deleted + " from delivery: from <s@example.org> to " + DELETED);
            assertThat(scheduledIds(node2Broker, node2Login)).doesNotContain(deleted);
            GatewayProcess.CommandResult again = GatewayProcess.command(cli, env.get(1), "queue", "delete", deleted);
            assertThat(again.status()).isEqualTo(1);
            assertThat(again.err()).contains("no message " + deleted);

            // A node that is down is reported, and the others are still listed.
            nodes.get(1).kill9();
            Map<String, String> naming2 = new HashMap<>(env.get(1));
            naming2.put("CLUSTER_PEERS", "127.0.0.1:" + clusterPorts[2]);
            GatewayProcess.CommandResult partial = GatewayProcess.command(cli, naming2, "queue", "list");
            System.out.println("queue list on node 1 with node 2 killed:\n" + partial.out());
            assertThat(partial.status()).as(partial.err()).isEqualTo(5);
            assertThat(section(partial.out(), "== node 1 (this node) ==")).contains("delivery: 0 message(s)");
            assertThat(section(partial.out(), "== member at 127.0.0.1:" + clusterPorts[2] + " ==")).contains("unreachable");
            GatewayProcess.CommandResult partialJson = GatewayProcess.command(cli, naming2, "queue", "list", "--json");
            assertThat(partialJson.status()).isEqualTo(5);
            assertThat(JsonLoader.readArray(new StringReader(partialJson.out()))).isEmpty(); // node 1 holds nothing
            assertThat(partialJson.err()).contains("member at 127.0.0.1:" + clusterPorts[2] + ": unreachable");
            GatewayProcess.CommandResult missing = GatewayProcess.command(cli, naming2, "queue", "show", kept);
            assertThat(missing.status()).isEqualTo(1);
            assertThat(missing.err()).contains("no message " + kept, "not asked: member at 127.0.0.1:" + clusterPorts[2],
                    "its queue ID says node 2 accepted it");
            assertThat(hop.attempts(DELETED)).as("attempts of the deleted message").hasSize(1);
        } finally {
            nodes.forEach(GatewayProcess::close);
        }
    }

    private Map<String, String> nodeEnv(int n, int[] clusterPorts, int hopPort) {
        Map<String, String> env = new HashMap<>();
        env.put("DATA_DIR", dir.resolve("node" + n).resolve("data").toString());
        env.put("BROKER_PORT", String.valueOf(GatewayProcess.freePort()));
        env.put("NODE_ID", String.valueOf(n));
        env.put("CLUSTER_PORT", String.valueOf(clusterPorts[n]));
        env.put("CLUSTER_PEERS", n == 1 ? "" : "127.0.0.1:" + clusterPorts[1]);
        env.put("CLUSTER_PASSWORD", "cluster-secret");
        env.put("LOCAL_DOMAINS", "example.com");
        env.put("TRANSPORT_MAP", "relay.test=smtp:[127.0.0.1]:" + hopPort);
        env.put("QUEUE_INITIAL_RETRY_DELAY", "1h");
        env.put("LOG_LEVEL", "WARN");
        return env;
    }

    /** The lines from {@code heading} to the next section (or the end). */
    private static String section(String out, String heading) {
        int start = out.indexOf(heading + "\n");
        assertThat(start).as("section %s in:%n%s", heading, out).isGreaterThanOrEqualTo(0);
        int end = out.indexOf("\n== ", start + heading.length());
        return out.substring(start, end < 0 ? out.length() : end);
    }

    /** Queue IDs of the scheduled messages in a broker's delivery queue, asked of that broker directly. */
    private static List<String> scheduledIds(int brokerPort, AdminCredentials login) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + brokerPort);
             ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(login.user(), login.password(), false, true, true, false, 0);
             ClientRequestor requestor = new ClientRequestor(session, "activemq.management")) {
            session.start();
            ClientMessage request = session.createMessage(false);
            ManagementHelper.putOperationInvocation(request, ResourceNames.QUEUE + "delivery", "listScheduledMessagesAsJSON");
            ClientMessage reply = requestor.request(request, 10_000);
            JsonArray array = JsonLoader.readArray(new StringReader((String) ManagementHelper.getResult(reply)));
            List<String> ids = new ArrayList<>();
            for (JsonValue v : array) {
                ids.add(v.asJsonObject().getString(MailHeaders.QUEUE_ID, ""));
            }
            return ids;
        }
    }
}
