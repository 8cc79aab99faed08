package io.mailgateway.metrics;

import static io.mailgateway.metrics.ObservabilityFiles.RULES_DIR;
import static io.mailgateway.metrics.ObservabilityFiles.TARGET_LABELS;
import static io.mailgateway.metrics.ObservabilityFiles.dashboard;
import static io.mailgateway.metrics.ObservabilityFiles.expressionsByUse;
import static io.mailgateway.metrics.ObservabilityFiles.map;
import static io.mailgateway.metrics.ObservabilityFiles.panels;
import static io.mailgateway.metrics.ObservabilityFiles.selectorsByUse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgateway.metrics.PromQl.Matcher;
import io.mailgateway.metrics.PromQl.Selector;
import io.mailgateway.testing.SmtpTestClient;
import io.mailgateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Holds docs/grafana/mail-gateway.json and docs/prometheus/alerts.yml to the gateway they
 * watch: a live /metrics scrape, taken after real mail went through, must parse under
 * promtool, hold every metric they query, and match every label matcher, grouping label and
 * legend label they use. A renamed meter or label breaks this build, not an operator's
 * dashboard months later.
 */
@ExtendWith(TestGateway.class)
class ObservabilityScrapeTest {

    /** Series Prometheus makes itself for every target; no target exposes them. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");
    private static final Duration WAIT = Duration.ofSeconds(30);

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
        // Micrometer registers jvm_gc_pause_seconds at the first GC notification, which comes on
        // a thread of its own after a collection: make sure there was one, then scrape until it
        // shows (or until it is plain that no JVM meters are bound: the name check says so).
        System.gc();
        await().atMost(WAIT).until(() -> {
            scrape = Scrape.of(TestGateway.gateway().metricsPort());
            return scrape.has("jvm_gc_pause_seconds_count") || scrape.samples().stream().noneMatch(x -> x.name().startsWith("jvm_"));
        });
        // Kept for whoever reads a failure below: what the gateway actually exposed.
        Files.writeString(Path.of("target", "metrics-scrape.txt"), scrape.text());
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
        Promtool.Result result = Promtool.run(RULES_DIR, scrape.text(), "check", "metrics");
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
        assertThat(scrape.find("smtp_messages_received_total")).extracting(Scrape.Sample::value)
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
                    continue; // reported by the name check
                }
                for (Matcher m : s.matchers()) {
                    if (TARGET_LABELS.contains(m.label()) || m.variable()) {
                        continue;
                    }
                    Set<String> values = new TreeSet<>();
                    scrape.find(s.metric()).stream().map(x -> x.labels().get(m.label())).filter(Objects::nonNull).forEach(values::add);
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
                            .anyMatch(m -> scrape.find(m).stream().anyMatch(x -> x.labels().containsKey(label)));
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
                    parsed.selectors().forEach(sel -> scrape.find(sel.metric()).forEach(x -> returned.addAll(x.labels().keySet())));
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
}
