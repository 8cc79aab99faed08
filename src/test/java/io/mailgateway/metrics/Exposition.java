package io.mailgateway.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The samples of a Prometheus text-format scrape, by series name (the name as PromQL sees it:
 * {@code x_bucket}, {@code x_total}, not the family of the # TYPE line). Validity is promtool's
 * call; this only reads what a valid scrape holds.
 */
final class Exposition {

    /** One sample line: its labels and value. */
    record Sample(Map<String, String> labels, double value) {
    }

    private final Map<String, List<Sample>> series = new LinkedHashMap<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    private Exposition() {
    }

    static Exposition parse(String text) {
        Exposition scrape = new Exposition();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                scrape.types.put(parts[2], parts[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                scrape.sample(line);
            }
        }
        return scrape;
    }

    private void sample(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
        }
        String name = line.substring(0, end);
        Map<String, String> labels = new LinkedHashMap<>();
        int i = end;
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq).trim();
                i = eq + 2; // past ="
                StringBuilder value = new StringBuilder();
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c == '\\') {
                        char e = line.charAt(i++);
                        value.append(e == 'n' ? '\n' : e);
                    } else {
                        value.append(c);
                    }
                }
                i++; // closing quote
                labels.put(label, value.toString());
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String value = line.substring(i).trim().split(" ")[0];
        series.computeIfAbsent(name, n -> new ArrayList<>()).add(new Sample(labels, Double.parseDouble(value)));
    }

    boolean has(String name) {
        return series.containsKey(name);
    }

    List<Sample> samples(String name) {
        return series.getOrDefault(name, List.of());
    }

    /**
     * Why a name that is not a series may have been meant: a histogram or summary family used
     * without its _bucket/_sum/_count, a counter without (or with a doubled) _total.
     */
    Optional<String> hint(String name) {
        String type = types.get(name);
        if ("histogram".equals(type)) {
            return Optional.of(name + " is a histogram: use " + name + "_bucket, _sum or _count");
        }
        if ("summary".equals(type)) {
            return Optional.of(name + " is a summary: use " + name + "_sum, _count (or _max, " + name + " with quantile)");
        }
        if ("counter".equals(type) && has(name + "_total")) {
            return Optional.of(name + " is a counter: its series is " + name + "_total");
        }
        for (String suffix : List.of("_bucket", "_sum", "_count", "_total")) {
            if (name.endsWith(suffix)) {
                String family = name.substring(0, name.length() - suffix.length());
                if (types.containsKey(family)) {
                    return Optional.of(family + " is a " + types.get(family) + " with series " + seriesOf(family));
                }
                if (has(family)) {
                    return Optional.of("there is " + family + " without " + suffix);
                }
            }
        }
        return Optional.empty();
    }

    private List<String> seriesOf(String family) {
        return series.keySet().stream().filter(n -> n.equals(family) || n.startsWith(family + "_")).toList();
    }
}
