package io.mailgateway.policy.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * RFC 7208 section 7 macro expansion: %{letter digits "r" delimiters}, %%, %_ and %-; upper-case
 * letters are URL-escaped (7.3). c, r and t are allowed in explanation text only.
 */
final class MacroExpander {

    /**
     * What the macros expand to; {@code validatedName} (%{p}) is asked only when used, as it costs DNS
     * lookups; {@code localPartUsed} is told when %{s} or %{l} is expanded (the result then depends on
     * more than the sender's domain, which the SPF cache must know).
     */
    record Context(SpfIp ip, String localPart, String senderDomain, String domain, String helo, String receiver,
            Supplier<String> validatedName, Runnable localPartUsed) {
    }

    private static final String LETTERS = "slodiphcrtv";
    private static final String EXP_ONLY = "crt";
    private static final String DELIMITERS = ".-+,/_=";
    private static final int MAX_DOMAIN = 253;

    private MacroExpander() {
    }

    /**
     * Checks a macro-string; returns the index where its trailing run of literal characters starts
     * (the length when it ends with a macro-expand). Literals are %x21-24 / %x26-7E, or also SP in
     * explanation text.
     */
    static int checkSyntax(String s, boolean explanation) throws SpfException {
        int tail = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '%') {
                if (c < 0x21 && !(explanation && c == ' ') || c > 0x7e) {
                    throw SpfException.permerror("bad character in '" + s + "'");
                }
                i++;
                continue;
            }
            i = macroEnd(s, i, explanation);
            tail = i;
        }
        return tail;
    }

    /** Index after the macro-expand at {@code i} (which is '%'). */
    private static int macroEnd(String s, int i, boolean explanation) throws SpfException {
        if (i + 1 >= s.length()) {
            throw SpfException.permerror("'%' at the end of '" + s + "'");
        }
        char n = s.charAt(i + 1);
        if (n == '%' || n == '_' || n == '-') {
            return i + 2;
        }
        if (n != '{') {
            throw SpfException.permerror("bad macro in '" + s + "'");
        }
        int close = s.indexOf('}', i);
        if (close < 0) {
            throw SpfException.permerror("unclosed macro in '" + s + "'");
        }
        parseMacro(s.substring(i + 2, close), explanation, s);
        return close + 1;
    }

    private record Macro(char letter, int keep, boolean reverse, String delimiters) {
    }

    private static Macro parseMacro(String body, boolean explanation, String whole) throws SpfException {
        if (body.isEmpty()) {
            throw SpfException.permerror("empty macro in '" + whole + "'");
        }
        char letter = body.charAt(0);
        char lower = Character.toLowerCase(letter);
        if (LETTERS.indexOf(lower) < 0 || (!explanation && EXP_ONLY.indexOf(lower) >= 0)) {
            throw SpfException.permerror("macro letter '" + letter + "' not allowed in '" + whole + "'");
        }
        int j = 1;
        while (j < body.length() && Character.isDigit(body.charAt(j))) {
            j++;
        }
        int keep = 0;
        if (j > 1) {
            String digits = body.substring(1, j);
            keep = digits.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(digits);
            if (keep == 0) {
                throw SpfException.permerror("macro keeps 0 parts in '" + whole + "'"); // RFC 7208 7.3
            }
        }
        boolean reverse = false;
        if (j < body.length() && (body.charAt(j) == 'r' || body.charAt(j) == 'R')) {
            reverse = true;
            j++;
        }
        String delimiters = body.substring(j);
        for (int k = 0; k < delimiters.length(); k++) {
            if (DELIMITERS.indexOf(delimiters.charAt(k)) < 0) {
                throw SpfException.permerror("bad macro delimiter in '" + whole + "'");
            }
        }
        return new Macro(letter, keep, reverse, delimiters.isEmpty() ? "." : delimiters);
    }

    /** Expands a domain-spec to a domain name, cut to 253 octets by dropping labels on the left (RFC 7208 7.3). */
    static String expandDomain(String spec, Context ctx) throws SpfException {
        String out = expand(spec, ctx, false);
        while (out.length() > MAX_DOMAIN) {
            int dot = out.indexOf('.');
            if (dot < 0) {
                break;
            }
            out = out.substring(dot + 1);
        }
        return out;
    }

    /** Expands a macro-string (explanation: the exp TXT text, where c, r, t and spaces are allowed). */
    static String expand(String s, Context ctx, boolean explanation) throws SpfException {
        StringBuilder out = new StringBuilder(s.length() + 32);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            int end = macroEnd(s, i, explanation);
            char n = s.charAt(i + 1);
            if (n == '%') {
                out.append('%');
            } else if (n == '_') {
                out.append(' ');
            } else if (n == '-') {
                out.append("%20");
            } else {
                Macro m = parseMacro(s.substring(i + 2, end - 1), explanation, s);
                String value = transform(value(Character.toLowerCase(m.letter()), ctx), m);
                out.append(Character.isUpperCase(m.letter()) ? urlEscape(value) : value);
            }
            i = end;
        }
        return out.toString();
    }

    private static String value(char letter, Context ctx) {
        if (letter == 's' || letter == 'l') {
            ctx.localPartUsed().run();
        }
        return switch (letter) {
            case 's' -> ctx.localPart() + "@" + ctx.senderDomain();
            case 'l' -> ctx.localPart();
            case 'o' -> ctx.senderDomain();
            case 'd' -> ctx.domain();
            case 'i' -> ctx.ip().macroForm();
            case 'p' -> ctx.validatedName().get();
            case 'v' -> ctx.ip().version();
            case 'h' -> ctx.helo();
            case 'c' -> ctx.ip().toString();
            case 'r' -> ctx.receiver();
            case 't' -> Long.toString(System.currentTimeMillis() / 1000);
            default -> throw new IllegalStateException("macro letter " + letter);
        };
    }

    /** RFC 7208 7.3: split on the delimiters, reverse if asked, keep the rightmost parts, join with ".". */
    private static String transform(String value, Macro m) {
        if (m.keep() == 0 && !m.reverse() && m.delimiters().equals(".")) {
            return value;
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int k = 0; k < value.length(); k++) {
            if (m.delimiters().indexOf(value.charAt(k)) >= 0) {
                parts.add(value.substring(start, k));
                start = k + 1;
            }
        }
        parts.add(value.substring(start));
        if (m.reverse()) {
            Collections.reverse(parts);
        }
        if (m.keep() > 0 && m.keep() < parts.size()) {
            parts = parts.subList(parts.size() - m.keep(), parts.size());
        }
        return String.join(".", parts);
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters. */
    static String urlEscape(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
