package io.mailgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.metrics.PromQl.Matcher;
import io.mailgateway.metrics.PromQl.Selector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The operator-facing files the observability tests check, read as Grafana and Prometheus read
 * them: the dashboard's panels, queries and variables, the rule file's rules, and every PromQL
 * expression in either, keyed by where it is used ("alert X", "panel T / A", "variable v") so
 * a failure names what an operator would see break.
 */
final class ObservabilityFiles {

    static final Path DASHBOARD = Path.of("docs", "grafana", "mail-gateway.json");
    static final Path RULES_DIR = Path.of("docs", "prometheus");
    static final Path RULES = RULES_DIR.resolve("alerts.yml");
    /** Target labels Prometheus adds at scrape time, so absent from the exposition. */
    static final Set<String> TARGET_LABELS = Set.of("instance", "job");

    private ObservabilityFiles() {
    }

    static JsonObject dashboard() throws IOException {
        try {
            return (JsonObject) Jsoner.deserialize(Files.readString(DASHBOARD));
        } catch (org.apache.camel.util.json.DeserializationException e) {
            throw new AssertionError(DASHBOARD + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** Panels with queries: rows (and the panels a collapsed row holds) flattened, rows themselves left out. */
    static List<JsonObject> panels(JsonObject dashboard) {
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

    static List<Map<String, Object>> templating(JsonObject dashboard) {
        JsonArray list = map(dashboard.get("templating")).get("list") instanceof JsonArray a ? a : new JsonArray();
        return list.stream().map(ObservabilityFiles::map).toList();
    }

    static List<Map<String, Object>> rules() throws IOException {
        Map<String, Object> file = map(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(RULES)));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : (List<?>) file.get("groups")) {
            for (Object rule : (List<?>) map(group).get("rules")) {
                rules.add(map(rule));
            }
        }
        return rules;
    }

    /** "panel TITLE / refId" to expr, for every target of every panel. */
    static Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonObject panel : panels(dashboard())) {
            for (Object t : panel.getCollection("targets")) {
                Map<String, Object> target = map(t);
                queries.put("panel " + panel.getString("title") + " / " + target.get("refId"), (String) target.get("expr"));
            }
        }
        return queries;
    }

    /** Each PromQL expression of the rules and the dashboard, by where it is used. */
    static Map<String, String> expressionsByUse() throws IOException {
        Map<String, String> uses = new LinkedHashMap<>();
        for (Map<String, Object> rule : rules()) {
            String name = rule.containsKey("alert") ? "alert " + rule.get("alert") : "rule " + rule.get("record");
            uses.put(name, (String) rule.get("expr"));
        }
        uses.putAll(dashboardQueries());
        return uses;
    }

    /** Where each selector is used, to what it selects: the expressions, plus the query variables. */
    static Map<String, List<Selector>> selectorsByUse() throws IOException {
        Map<String, List<Selector>> uses = new LinkedHashMap<>();
        expressionsByUse().forEach((use, expr) -> uses.put(use, PromQl.selectors(expr)));
        // label_values(metric, label) in a query variable is Grafana's, not PromQL: its metric
        // argument is a selector, and its label must be on that metric (a =~".+" matcher says so).
        Pattern labelValues = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\s*\\)");
        for (Map<String, Object> variable : templating(dashboard())) {
            if (!"query".equals(variable.get("type"))) {
                continue;
            }
            Object query = variable.get("query");
            String text = query instanceof Map<?, ?> q ? (String) q.get("query") : (String) query;
            java.util.regex.Matcher m = labelValues.matcher(text);
            assertThat(m.matches()).as("variable %s: %s", variable.get("name"), text).isTrue();
            String label = m.group(2);
            List<Selector> selectors = PromQl.selectors(m.group(1)).stream()
                    .map(s -> TARGET_LABELS.contains(label) ? s : new Selector(s.metric(), List.of(new Matcher(label, "=~", ".+", false))))
                    .toList();
            uses.put("variable " + variable.get("name"), selectors);
        }
        return uses;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
