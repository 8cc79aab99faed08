package io.mailgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.metrics.PromQl.Matcher;
import io.mailgateway.metrics.PromQl.Selector;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Keeps docs/grafana/mail-gateway.json and docs/prometheus/alerts.yml honest against the
 * gateway they watch: promtool accepts the rules and their unit tests, every metric the
 * dashboard and the rules query is a series of a live /metrics scrape (taken after real mail
 * went through, so the traffic's series are there too), and every label matcher they use
 * matches something in it. A renamed meter or label breaks this build, not an operator's
 * dashboard months later.
 */
@ExtendWith(TestGateway.class)
class ObservabilityArtifactsTest {

    private static final Path DASHBOARD = Path.of("docs", "grafana", "mail-gateway.json");
    private static final Path RULES_DIR = Path.of("docs", "prometheus");
    private static final Path RULES = RULES_DIR.resolve("alerts.yml");
    /** Series Prometheus makes itself for every target; no target exposes them. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    /** Target labels Prometheus adds at scrape time, so absent from the exposition. */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job");
    /** Stand-ins for Grafana's variables when promtool parses a panel's expression. */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of("$__rate_interval", "5m", "$__interval", "1m",
            "$__range", "1h", "$instance", ".*");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static String scrapeText;
    private static Scrape scrape;

    @BeforeAll
    static void send_mail_and_scrape() throws Exception {
        // One local and one relayed message, both all the way through (maildir, next hop), so
        // the scrape has seen acceptance, the stores and a delivery attempt.
        String local = TestGateway.uniqueUser("obs") + "@example.com";
        String remote = TestGateway.uniqueUser("obs") + "@" + TestGateway.RELAY_DOMAIN;
        try (SmtpTestClient c = SmtpTestClient.connectEhlo(TestGateway.port())) {
            for (String rcpt : List.of(local, remote)) {
                c.sendMail("ops@example.org", List.of(rcpt), "Subject: metrics\r\n\r\nhi\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            c.send("QUIT").expect(221, "2.0.0");
        }
        await().atMost(WAIT).until(() -> TestGateway.newMail(local).size() == 1 && TestGateway.nextHop().messagesFor(remote).size() == 1);
        int port = TestGateway.gateway().metricsPort();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        scrapeText = response.body();
        // Kept for whoever reads a failure below: what the gateway actually exposed.
        Files.writeString(Path.of("target", "metrics-scrape.txt"), scrapeText);
        scrape = Scrape.parse(scrapeText);
    }

    @Test
    void alert_rules_should_pass_promtool_check_rules() throws Exception {
        Promtool.Result result = Promtool.run(RULES_DIR, null, "check", "rules", "--lint-fatal", RULES.getFileName().toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void alert_rules_should_pass_their_promtool_unit_tests() throws Exception {
        Promtool.Result result = Promtool.run(RULES_DIR, null, "test", "rules", "alerts.test.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void every_alert_should_have_a_severity_a_summary_and_a_description() throws Exception {
        List<Map<String, Object>> alerts = rules().stream().filter(r -> r.containsKey("alert")).toList();
        assertThat(alerts).isNotEmpty();
        for (Map<String, Object> alert : alerts) {
            assertThat(map(alert.get("labels")).get("severity")).as("severity of %s", alert.get("alert")).isIn("critical", "warning", "info");
            assertThat(map(alert.get("annotations"))).as("annotations of %s", alert.get("alert")).containsKeys("summary", "description");
        }
    }

    @Test
    void dashboard_should_be_importable_with_a_datasource_and_a_target_per_panel() throws Exception {
        JsonObject dashboard = dashboard();
        assertThat(dashboard.getInteger("schemaVersion")).isEqualTo(39);
        JsonArray inputs = dashboard.getCollection("__inputs");
        assertThat(inputs.stream().map(i -> map(i).get("name"))).contains("DS_PROMETHEUS");
        List<Map<String, Object>> variables = templating(dashboard);
        assertThat(variables).extracting(v -> v.get("name")).contains("DS_PROMETHEUS", "instance");
        Set<Object> ids = new HashSet<>();
        List<JsonObject> panels = panels(dashboard);
        assertThat(panels).isNotEmpty();
        for (JsonObject panel : panels) {
            String title = panel.getString("title");
            assertThat(ids.add(panel.get("id"))).as("id of panel %s is unique", title).isTrue();
            assertThat(map(panel.get("datasource")).get("uid")).as("datasource of panel %s", title).isEqualTo("${DS_PROMETHEUS}");
            JsonArray targets = panel.getCollection("targets");
            assertThat(targets).as("targets of panel %s", title).isNotEmpty();
            for (Object target : targets) {
                String expr = (String) map(target).get("expr");
                assertThat(expr).as("a target's expr in panel %s", title).isNotBlank();
                // Every selector follows the Instance drop-down; one that does not mixes instances silently.
                for (Selector sel : PromQl.selectors(expr)) {
                    assertThat(sel.matchers()).as("%s in panel %s", sel.metric(), title)
                            .contains(new Matcher("instance", "=~", "$instance", true));
                }
            }
        }
    }

    @Test
    void dashboard_expressions_should_parse_as_promql(@TempDir Path dir) throws Exception {
        // promtool has no "check this expression"; a recording rule per panel query gets the
        // same parser Prometheus runs on a Grafana query. Grafana's variables get stand-ins.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (Map.Entry<String, String> query : dashboardQueries().entrySet()) {
            String expr = query.getValue();
            for (Map.Entry<String, String> v : GRAFANA_VARIABLES.entrySet()) {
                expr = expr.replace(v.getKey(), v.getValue());
            }
            assertThat(expr).as(query.getKey()).doesNotContain("$");
            rules.append("      - record: dashboard:query_").append(n++).append("\n        expr: ")
                    .append('\'').append(expr.replace("'", "''")).append("'\n"); // YAML single-quoted: no escapes but ''

        }
        Files.writeString(dir.resolve("dashboard.yml"), rules);
        Promtool.Result result = Promtool.run(dir, null, "check", "rules", "dashboard.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    /**
     * promtool check metrics is Prometheus' strict text-format parser plus its lint. A parse
     * error fails (exit 1: Prometheus would drop the whole scrape). Lint problems (exit 3) fail
     * only for our own smtp_ families: those we name and describe, and a missing HELP is what an
     * operator misses in Grafana's metric browser. The binders' names (jvm_, process_, camel_,
     * artemis_) are their projects' public contract, matched by their own dashboards: renaming
     * them to please the linter would break those.
     */
    @Test
    void live_scrape_should_pass_promtool_check_metrics() throws Exception {
        Promtool.Result result = Promtool.run(RULES_DIR, scrapeText, "check", "metrics");
        assertThat(result.exitCode()).as("promtool could not parse the scrape:\n%s", result.output()).isIn(0, 3);
        List<String> ours = result.output().lines().filter(l -> l.startsWith("smtp_")).toList();
        assertThat(ours).as("lint problems in our own metrics").isEmpty();
    }

    @Test
    void every_metric_in_the_dashboard_and_the_alerts_should_be_in_the_live_scrape() throws Exception {
        Map<String, Set<String>> missing = new LinkedHashMap<>();
        for (Map.Entry<String, List<Selector>> use : selectorsByUse().entrySet()) {
            for (Selector s : use.getValue()) {
                if (!PROMETHEUS_OWN.contains(s.metric()) && !scrape.has(s.metric())) {
                    String why = scrape.hint(s.metric()).map(h -> " (" + h + ")").orElse("");
                    missing.computeIfAbsent(s.metric() + why, k -> new TreeSet<>()).add(use.getKey());
                }
            }
        }
        assertThat(missing).as("metrics queried but not in the scrape of a gateway that just handled mail").isEmpty();
        // The scrape is live: the two messages of send_mail_and_scrape are counted.
        assertThat(scrape.samples("smtp_messages_received_total")).extracting(Scrape.Sample::value)
                .anySatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(2.0));
    }

    /**
     * A matcher naming a label the metric lacks, or a value no series has, selects nothing
     * without any error: an alert that can never fire. Every label value is registered at start
     * (docs/observability.md), so each literal matcher must match a scraped series; negative
     * ones too, as a typo there silently selects everything.
     */
    @Test
    void every_label_matcher_should_match_a_series_of_the_live_scrape() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, List<Selector>> use : selectorsByUse().entrySet()) {
            for (Selector s : use.getValue()) {
                if (!scrape.has(s.metric())) {
                    continue; // reported by the test above
                }
                for (Matcher m : s.matchers()) {
                    if (TARGET_LABELS.contains(m.label()) || m.variable()) {
                        continue;
                    }
                    Set<String> values = new TreeSet<>();
                    scrape.samples(s.metric()).stream().map(x -> x.labels().get(m.label())).filter(v -> v != null).forEach(values::add);
                    // PromQL regexes are anchored at both ends, as String.matches is.
                    boolean matches = m.op().endsWith("~")
                            ? values.stream().anyMatch(v -> v.matches(m.value()))
                            : values.contains(m.value());
                    if (!matches) {
                        problems.add(use.getKey() + ": " + s.metric() + "{" + m.label() + m.op() + "\"" + m.value() + "\"} but "
                                + m.label() + " has " + (values.isEmpty() ? "no values" : values));
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * {@code sum by (class)} over a metric without that label quietly yields one series with
     * the label empty: a panel that looks fine and means nothing. Each label an aggregation
     * groups by (or drops with without) must be on a scraped series it aggregates over.
     */
    @Test
    void every_aggregation_label_should_be_on_a_series_it_aggregates() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> use : expressionsByUse().entrySet()) {
            for (PromQl.Grouping g : PromQl.parse(use.getValue()).groupings()) {
                List<String> metrics = g.over().stream().map(Selector::metric).filter(scrape::has).distinct().toList();
                if (metrics.isEmpty()) {
                    continue; // the missing metrics are reported by the name check
                }
                for (String label : g.labels()) {
                    boolean present = TARGET_LABELS.contains(label) || metrics.stream()
                            .anyMatch(m -> scrape.samples(m).stream().anyMatch(x -> x.labels().containsKey(label)));
                    if (!present) {
                        problems.add(use.getKey() + ": " + g.aggregation() + " by (" + label + ") over " + metrics + ", which have no label " + label);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * A legend's {{label}} that the query does not return prints empty. Each must be a label the
     * query keeps: one it groups by, or (for a query that does not aggregate) one of its series'.
     */
    @Test
    void every_legend_label_should_be_one_the_query_returns() throws Exception {
        List<String> problems = new ArrayList<>();
        Pattern template = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");
        for (JsonObject panel : panels(dashboard())) {
            for (Object t : panel.getCollection("targets")) {
                Map<String, Object> target = map(t);
                PromQl.Parsed parsed = PromQl.parse((String) target.get("expr"));
                Set<String> returned = new HashSet<>(TARGET_LABELS);
                parsed.groupings().forEach(g -> returned.addAll(g.labels()));
                if (parsed.groupings().isEmpty()) {
                    parsed.selectors().forEach(sel -> scrape.samples(sel.metric()).forEach(x -> returned.addAll(x.labels().keySet())));
                }
                java.util.regex.Matcher m = template.matcher(String.valueOf(target.get("legendFormat")));
                while (m.find()) {
                    if (!returned.contains(m.group(1))) {
                        problems.add("panel " + panel.getString("title") + " / " + target.get("refId") + ": legend {{" + m.group(1) + "}}");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** Each PromQL expression of the rules and the dashboard, by where it is used. */
    private static Map<String, String> expressionsByUse() throws Exception {
        Map<String, String> uses = new LinkedHashMap<>();
        for (Map<String, Object> rule : rules()) {
            String name = rule.containsKey("alert") ? "alert " + rule.get("alert") : "rule " + rule.get("record");
            uses.put(name, (String) rule.get("expr"));
        }
        uses.putAll(dashboardQueries());
        return uses;
    }

    /** Where each selector is used ("alert X", "panel Y", "variable instance") to what it selects. */
    private static Map<String, List<Selector>> selectorsByUse() throws Exception {
        Map<String, List<Selector>> uses = new LinkedHashMap<>();
        expressionsByUse().forEach((use, expr) -> uses.put(use, PromQl.selectors(expr)));
        // label_values(metric, label) in a query variable is Grafana's, not PromQL: its metric
        // argument is a selector, its label must exist on that metric.
        Pattern labelValues = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\s*\\)");
        for (Map<String, Object> variable : templating(dashboard())) {
            if (!"query".equals(variable.get("type"))) {
                continue;
            }
            Object query = variable.get("query");
            String text = query instanceof Map<?, ?> q ? (String) q.get("query") : (String) query;
            java.util.regex.Matcher m = labelValues.matcher(text);
            assertThat(m.matches()).as("variable %s: %s", variable.get("name"), text).isTrue();
            List<Selector> selectors = PromQl.selectors(m.group(1));
            List<Selector> withLabel = selectors.stream()
                    .map(s -> new Selector(s.metric(), List.of(new Matcher(m.group(2), "=~", ".+", false))))
                    .toList();
            uses.put("variable " + variable.get("name"), TARGET_LABELS.contains(m.group(2)) ? selectors : withLabel);
        }
        return uses;
    }

    /** "panel TITLE / refId" to expr, for every target of every panel. */
    private static Map<String, String> dashboardQueries() throws Exception {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonObject panel : panels(dashboard())) {
            for (Object t : panel.getCollection("targets")) {
                Map<String, Object> target = map(t);
                queries.put("panel " + panel.getString("title") + " / " + target.get("refId"), (String) target.get("expr"));
            }
        }
        return queries;
    }

    private static JsonObject dashboard() throws Exception {
        return (JsonObject) Jsoner.deserialize(Files.readString(DASHBOARD));
    }

    /** Panels with queries: rows (and the panels a collapsed row holds) flattened, rows themselves left out. */
    private static List<JsonObject> panels(JsonObject dashboard) {
        List<JsonObject> out = new ArrayList<>();
        for (Object p : dashboard.getCollection("panels")) {
            JsonObject panel = (JsonObject) p;
            if ("row".equals(panel.getString("type"))) {
                JsonArray nested = panel.getCollection("panels");
                if (nested != null) {
                    nested.forEach(n -> out.add((JsonObject) n));
                }
            } else {
                out.add(panel);
            }
        }
        return out;
    }

    private static List<Map<String, Object>> templating(JsonObject dashboard) {
        JsonArray list = map(dashboard.get("templating")).get("list") instanceof JsonArray a ? a : new JsonArray();
        return list.stream().map(ObservabilityArtifactsTest::map).toList();
    }

    private static List<Map<String, Object>> rules() throws Exception {
        Map<String, Object> file = map(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(RULES)));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : (List<?>) file.get("groups")) {
            for (Object rule : (List<?>) map(group).get("rules")) {
                rules.add(map(rule));
            }
        }
        return rules;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
