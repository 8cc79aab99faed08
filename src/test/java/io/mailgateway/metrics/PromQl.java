package io.mailgateway.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The series selectors of a PromQL expression (as the dashboard and the alert rules write them):
 * every metric name with its label matchers, everything else skipped. Not a full parser: just
 * enough lexing to tell a metric name from a function, an aggregation, a keyword, a label name
 * in {@code by (...)}, a string, a number or duration, a range {@code [5m]} and a Grafana
 * variable ({@code $instance}, {@code ${DS_PROMETHEUS}}, {@code $__rate_interval}).
 * Syntax errors are promtool's job (the test runs the expressions through it too).
 */
final class PromQl {

    /** One label matcher; {@code variable} when the value holds a Grafana variable (unknown until Grafana expands it). */
    record Matcher(String label, String op, String value, boolean variable) {
    }

    /** A metric name as written (suffix included: {@code x_bucket}, {@code x_total}) and its matchers. */
    record Selector(String metric, List<Matcher> matchers) {
    }

    /** {@code sum by (labels) (...)} or {@code without}: the labels, and the selectors aggregated over. */
    record Grouping(String aggregation, List<String> labels, List<Selector> over) {
    }

    /** What an expression selects, and the label lists it aggregates by. */
    record Parsed(List<Selector> selectors, List<Grouping> groupings) {
    }

    // Followed by a parenthesised list of label names, not an expression.
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    // Binary operators and modifiers spelled as words; inf and nan are number literals.
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "atan2", "inf", "nan");
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
            "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");
    private static final Set<String> BY = Set.of("by", "without");

    private final String s;
    private int i;
    private final List<Selector> out = new ArrayList<>();
    private final List<Grouping> groupings = new ArrayList<>();

    private PromQl(String expr) {
        this.s = expr;
    }

    static List<Selector> selectors(String expr) {
        return parse(expr).selectors();
    }

    static Parsed parse(String expr) {
        PromQl p = new PromQl(expr);
        p.scan();
        return new Parsed(p.out, p.groupings);
    }

    private void scan() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                skipTo('\n');
            } else if (c == '"' || c == '\'' || c == '`') {
                string();
            } else if (c == '[') {
                skipTo(']'); // range or subquery: durations and Grafana's $__rate_interval
            } else if (c == '$') {
                variable();
            } else if (c == '{') {
                // A bare selector, {__name__="x"}: the name is a matcher.
                List<Matcher> matchers = matchers();
                matchers.stream().filter(m -> m.label().equals("__name__") && m.op().equals("=") && !m.variable())
                        .findFirst().ifPresent(m -> out.add(new Selector(m.value(), matchers)));
            } else if (Character.isDigit(c) || c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))) {
                number();
            } else if (isNameStart(c)) {
                identifier();
            } else {
                i++; // operators, parentheses, commas, @
            }
        }
    }

    private void identifier() {
        int start = i;
        while (i < s.length() && isNamePart(s.charAt(i))) {
            i++;
        }
        String name = s.substring(start, i);
        String word = name.toLowerCase(Locale.ROOT);
        char next = peek();
        if (AGGREGATIONS.contains(word) && (next == '(' || BY.contains(peekWord()))) {
            aggregation(word);
        } else if (GROUPING.contains(word)) {
            if (next == '(') {
                skipBalanced(); // on (...), ignoring (...), group_left (...): label names
            }
        } else if (KEYWORDS.contains(word) || next == '(') {
            // keyword, function or @ start(): its arguments are scanned as usual
        } else {
            List<Matcher> matchers = next == '{' ? matchers() : List.of();
            out.add(new Selector(name, matchers));
        }
    }

    /** After the operator's name: {@code by (l) (body)} or {@code (body) by (l)}, body scanned on its own. */
    private void aggregation(String name) {
        List<String> labels = BY.contains(peekWord()) ? labelList() : null;
        skipSpace();
        int open = i;
        skipBalanced();
        Parsed body = parse(s.substring(open + 1, i - 1));
        out.addAll(body.selectors());
        groupings.addAll(body.groupings());
        if (labels == null && BY.contains(peekWord())) {
            labels = labelList();
        }
        if (labels != null) {
            groupings.add(new Grouping(name, labels, body.selectors()));
        }
    }

    /** At by/without: the label names of the list that follows. */
    private List<String> labelList() {
        skipSpace();
        while (isNamePart(s.charAt(i))) {
            i++;
        }
        skipSpace();
        int open = i;
        skipBalanced();
        return java.util.Arrays.stream(s.substring(open + 1, i - 1).split(","))
                .map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    /** At '{' (after optional whitespace): label matchers up to the closing '}'. */
    private List<Matcher> matchers() {
        skipSpace();
        i++; // {
        List<Matcher> matchers = new ArrayList<>();
        while (true) {
            skipSpace();
            if (i >= s.length()) {
                throw new IllegalArgumentException("unclosed { in " + s);
            }
            char c = s.charAt(i);
            if (c == '}') {
                i++;
                return matchers;
            }
            if (c == ',') {
                i++;
                continue;
            }
            int start = i;
            while (i < s.length() && isNamePart(s.charAt(i))) {
                i++;
            }
            String label = s.substring(start, i);
            skipSpace();
            String op = s.startsWith("=~", i) || s.startsWith("!~", i) || s.startsWith("!=", i) ? s.substring(i, i + 2) : s.substring(i, i + 1);
            if (label.isEmpty() || !List.of("=", "=~", "!=", "!~").contains(op)) {
                throw new IllegalArgumentException("bad label matcher at " + i + " in " + s);
            }
            i += op.length();
            skipSpace();
            String value = string();
            matchers.add(new Matcher(label, op, value, value.contains("$")));
        }
    }

    /** At a quote: the string's value, escapes resolved (none in raw `...` strings). */
    private String string() {
        char quote = s.charAt(i++);
        StringBuilder value = new StringBuilder();
        while (i < s.length() && s.charAt(i) != quote) {
            char c = s.charAt(i++);
            if (c == '\\' && quote != '`' && i < s.length()) {
                char e = s.charAt(i++);
                value.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> e;
                });
            } else {
                value.append(c);
            }
        }
        if (i >= s.length()) {
            throw new IllegalArgumentException("unclosed string in " + s);
        }
        i++;
        return value.toString();
    }

    private void variable() {
        i++;
        if (i < s.length() && s.charAt(i) == '{') {
            skipTo('}');
        } else {
            while (i < s.length() && isNamePart(s.charAt(i))) {
                i++;
            }
        }
    }

    /** 0.95, 1e-3, 0x1f, and durations after offset (5m, 1h30m). */
    private void number() {
        while (i < s.length()) {
            char c = s.charAt(i);
            boolean exponentSign = (c == '+' || c == '-') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')
                    && !s.substring(0, i).matches("(?s).*0[xX][0-9a-fA-F]*");
            if (Character.isLetterOrDigit(c) || c == '.' || c == '_' || exponentSign) {
                i++;
            } else {
                return;
            }
        }
    }

    /** At '(' (after optional whitespace): past its matching ')', parentheses in strings ignored. */
    private void skipBalanced() {
        skipSpace();
        int depth = 0;
        do {
            if (i >= s.length()) {
                throw new IllegalArgumentException("unbalanced ( in " + s);
            }
            char c = s.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                string();
                continue;
            }
            i++;
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
        } while (depth > 0);
    }

    private void skipTo(char end) {
        int j = s.indexOf(end, i);
        i = j < 0 ? s.length() : j + 1;
    }

    private void skipSpace() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private char peek() {
        int j = i;
        while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
            j++;
        }
        return j < s.length() ? s.charAt(j) : 0;
    }

    /** The identifier after the current position, lower-cased, or "" when none follows. */
    private String peekWord() {
        int j = i;
        while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
            j++;
        }
        int start = j;
        while (j < s.length() && isNamePart(s.charAt(j))) {
            j++;
        }
        return s.substring(start, j).toLowerCase(Locale.ROOT);
    }

    private static boolean isNameStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || c >= '0' && c <= '9';
    }
}
