package io.mailgateway.metrics;

import static io.mailgateway.metrics.ObservabilityFiles.RULES;
import static io.mailgateway.metrics.ObservabilityFiles.RULES_DIR;
import static io.mailgateway.metrics.ObservabilityFiles.dashboard;
import static io.mailgateway.metrics.ObservabilityFiles.dashboardQueries;
import static io.mailgateway.metrics.ObservabilityFiles.map;
import static io.mailgateway.metrics.ObservabilityFiles.panels;
import static io.mailgateway.metrics.ObservabilityFiles.rules;
import static io.mailgateway.metrics.ObservabilityFiles.templating;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.metrics.PromQl.Matcher;
import io.mailgateway.metrics.PromQl.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/prometheus/alerts.yml and docs/grafana/mail-gateway.json on their own: promtool accepts
 * the rules and their unit tests, the dashboard imports (datasource input, variables, a query
 * per panel) and each of its queries parses as PromQL. Whether what they query exists is
 * {@link ObservabilityScrapeTest}'s part.
 */
class ObservabilityFilesTest {

    /** Stand-ins for Grafana's variables when promtool parses a panel's expression. */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of("$__rate_interval", "5m", "$__interval", "1m",
            "$__range", "1h", "$instance", ".*");

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
        assertThat(templating(dashboard)).extracting(v -> v.get("name")).contains("DS_PROMETHEUS", "instance");
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
            // YAML single-quoted scalar: no escapes but '' for a quote.
            rules.append("      - record: dashboard:query_").append(n++)
                    .append("\n        expr: '").append(expr.replace("'", "''")).append("'\n");
        }
        Files.writeString(dir.resolve("dashboard.yml"), rules);
        Promtool.Result result = Promtool.run(dir, null, "check", "rules", "dashboard.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }
}
