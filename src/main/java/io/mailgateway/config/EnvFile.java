package io.mailgateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An {@code smtp.env} file as the tuning guide writes them: {@code KEY=VALUE} lines with inline
 * {@code  # comments}, quotes, blank lines and an optional {@code export}, mixed with lines that
 * are advice for something else (systemd directives such as {@code Nice=-20}, a {@code [Service]}
 * header, SQLite {@code PRAGMA ...;} lines, sysctl keys, shell commands). Those are not refused:
 * each becomes a warning {@link ConfigNotice} saying what it is and where it belongs, so a profile
 * copied from the guide starts as written. A notice or error names the line and the key, never the
 * value: the line may be a secret in the wrong syntax ({@code DB_PASSWORD: hunter2}). A leading
 * UTF-8 byte order mark (an editor's) is dropped.
 */
final class EnvFile {

    /** Our keys and the guide's: upper case, digits and underscores. */
    private static final Pattern SETTING_KEY = Pattern.compile("[A-Z][A-Z0-9_]*");
    /** systemd unit directives: CamelCase (Nice, LimitNOFILE, CPUAffinity, IOSchedulingClass). */
    private static final Pattern SYSTEMD_DIRECTIVE = Pattern.compile("[A-Z][A-Za-z]*[a-z][A-Za-z]*");
    /** sysctl keys: dotted lower case (net.core.somaxconn, vm.swappiness). */
    private static final Pattern SYSCTL_KEY = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_-]+)+");

    /** What a notice may show of the text before '=': a plain name, nothing that could be a value. */
    private static final Pattern SHOWN_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

    record Parsed(Map<String, String> values, List<ConfigNotice> notices) {
    }

    private EnvFile() {
    }

    static Parsed read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("CONFIG_FILE", "cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<ConfigNotice> notices = new ArrayList<>();
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            lines.set(0, lines.get(0).substring(1));
        }
        for (int i = 0; i < lines.size(); i++) {
            String where = file.getFileName() + " line " + (i + 1);
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            String advice = notASetting(line);
            if (advice != null) {
                int eq = line.indexOf('=');
                String key = eq > 0 ? line.substring(0, eq).strip() : null;
                notices.add(ConfigNotice.warn(where + " is " + advice + "; ignored"
                        + (key != null && SHOWN_KEY.matcher(key).matches() ? " (key " + key + ")" : "")));
                continue;
            }
            int eq = line.indexOf('=');
            String key = line.substring(0, eq).strip();
            values.put(key, value(line.substring(eq + 1), where + " (" + key + ")"));
        }
        return new Parsed(values, notices);
    }

    /** What a line that is not KEY=VALUE for us is, or null when it is a setting. */
    private static String notASetting(String line) {
        if (line.regionMatches(true, 0, "PRAGMA ", 0, 7)) {
            return "SQLite advice, not a setting: the SQL store applies its own pragmas (docs/storage.md)";
        }
        if (line.startsWith("[") && line.endsWith("]")) {
            return "a systemd unit section header, not a setting (docs/deployment.md has a unit file)";
        }
        int eq = line.indexOf('=');
        if (eq <= 0) {
            return "not a KEY=VALUE setting (a shell command or prose?)";
        }
        String key = line.substring(0, eq).strip();
        if (SETTING_KEY.matcher(key).matches()) {
            return null;
        }
        if (SYSTEMD_DIRECTIVE.matcher(key).matches()) {
            return "a systemd unit directive, not a setting: it belongs in the [Service] section of the unit (docs/deployment.md)";
        }
        if (SYSCTL_KEY.matcher(key).matches()) {
            return "a kernel setting, not a setting of ours: set it with sysctl (/etc/sysctl.d/)";
        }
        return "not a setting: keys are upper case letters, digits and '_'";
    }

    /** The value: quoted (kept as is inside the quotes), or bare up to an inline comment (whitespace then '#'). */
    private static String value(String raw, String where) {
        String v = raw.strip();
        if (v.startsWith("\"") || v.startsWith("'")) {
            int close = v.indexOf(v.charAt(0), 1);
            if (close < 0) {
                throw new ConfigException("CONFIG_FILE", where + ": the quote opened at the start of the value is never closed");
            }
            String rest = v.substring(close + 1).strip();
            if (!rest.isEmpty() && !rest.startsWith("#")) {
                throw new ConfigException("CONFIG_FILE", where + ": text after the closing quote (other than a # comment)");
            }
            return v.substring(1, close);
        }
        java.util.regex.Matcher comment = Pattern.compile("\\s#").matcher(v);
        return comment.find() ? v.substring(0, comment.start()).strip() : v;
    }
}
