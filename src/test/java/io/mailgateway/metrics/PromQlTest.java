package io.mailgateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.mailgateway.metrics.PromQl.Matcher;
import io.mailgateway.metrics.PromQl.Selector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The name extraction the dashboard/alert check relies on: what it must skip, what it must keep. */
class PromQlTest {

    private static List<String> names(String expr) {
        return PromQl.selectors(expr).stream().map(Selector::metric).toList();
    }

    @Test
    void should_skip_functions_aggregations_grouping_labels_and_ranges() {
        assertThat(names("histogram_quantile(0.95, sum by (le) (rate(smtp_processing_duration_seconds_bucket{instance=~\"$instance\"}[$__rate_interval])))"))
                .containsExactly("smtp_processing_duration_seconds_bucket");
        assertThat(names("sum(rate(a_total[5m])) without (result, code) / on(instance) group_left(queue) b"))
                .containsExactly("a_total", "b");
        assertThat(names("sum without(le)(x) > bool 3 and ignoring(kind) y offset 1h30m or z @ start() unless w"))
                .containsExactly("x", "y", "z", "w");
    }

    @Test
    void should_skip_strings_numbers_keywords_and_grafana_variables() {
        assertThat(names("label_replace(up{job=\"mail-gateway\"}, \"host\", \"$1\", \"instance\", \"(.*):.*\")"))
                .containsExactly("up");
        assertThat(names("x > 4 * 3600 and y < 1e-3 + 0x1f and z != Inf and w > NaN # a comment naming not_a_metric"))
                .containsExactly("x", "y", "z", "w");
        assertThat(names("rate(x[${__rate_interval}]) * ${factor} + $scale")).containsExactly("x");
        assertThat(names("1 / 60")).isEmpty();
    }

    @Test
    void should_keep_suffixes_as_written() {
        assertThat(names("rate(h_bucket[1m]) + h_sum + h_count + c_total + g")).containsExactly("h_bucket", "h_sum", "h_count", "c_total", "g");
    }

    @Test
    void should_read_label_matchers_with_escapes_and_variables() {
        Selector sel = PromQl.selectors("smtp_queue_size{instance=~\"$instance\", queue=~\".*dlq|store\\\\.dead-letters\", kind!=\"x\",}").get(0);
        assertThat(sel.matchers()).containsExactly(
                new Matcher("instance", "=~", "$instance", true),
                new Matcher("queue", "=~", ".*dlq|store\\.dead-letters", false),
                new Matcher("kind", "!=", "x", false));
        assertThat(PromQl.selectors("{__name__=\"named\", a!~'b'}").get(0).metric()).isEqualTo("named");
    }

    @Test
    void should_read_the_labels_an_aggregation_groups_by_and_what_it_aggregates() {
        PromQl.Parsed parsed = PromQl.parse("histogram_quantile(0.9, sum by (le, result) (rate(h_bucket{a=\"(x)\"}[5m])))"
                + " / on(instance) group_left(queue) max(g) without (queue) + topk(3, count by (kind) (c_total)) + avg(plain)");
        assertThat(parsed.selectors()).extracting(Selector::metric).containsExactly("h_bucket", "g", "c_total", "plain");
        assertThat(parsed.groupings()).extracting(PromQl.Grouping::aggregation, PromQl.Grouping::labels)
                .containsExactly(
                        tuple("sum", List.of("le", "result")),
                        tuple("max", List.of("queue")),
                        tuple("count", List.of("kind")));
        assertThat(parsed.groupings().get(0).over()).extracting(Selector::metric).containsExactly("h_bucket");
        assertThat(parsed.groupings().get(2).over()).extracting(Selector::metric).containsExactly("c_total");
    }

    @Test
    void should_reject_what_it_cannot_read_rather_than_guess() {
        assertThatThrownBy(() -> PromQl.selectors("x{a=\"b\"")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromQl.selectors("x{a>\"b\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromQl.selectors("sum by (le) (rate(x[5m])")).isInstanceOf(IllegalArgumentException.class);
    }
}
