package io.mailgateway.store.sql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Subject of a message from its header section: unfolded, RFC 2047 encoded words decoded
 * (B and Q, any charset Java knows; an undecodable word is kept as it is). Only the first bytes
 * of the message are looked at; a Subject past them is simply not found (null).
 */
final class Subjects {

    private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");
    private static final Pattern BETWEEN_WORDS = Pattern.compile("(\\?=)[ \\t\\r\\n]+(=\\?)");
    // Compiled once: the SQL store reads the Subject of every message it stores. Possessive
    // throughout: java.util.regex recurses once per repetition of a group it may have to
    // backtrack into, so "(?:\r\n[ \t].*)*" overflowed the stack on a Subject folded a few
    // thousand times, and the message could never be stored (a 12 KB header anyone can send).
    private static final Pattern SUBJECT = Pattern.compile("(?im)^subject:[ \\t]*+([^\\r\\n]*+(?:\\r\\n[ \\t][^\\r\\n]*+)*+)");
    private static final Pattern FOLD = Pattern.compile("\\r\\n(?=[ \\t])");
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");
    static final int MAX_LENGTH = 998;

    private Subjects() {
    }

    static String of(byte[] head) {
        // Only the header section is decoded: head is often the whole message (every small one),
        // and turning its body into a String too was most of this method's cost.
        int end = headerEnd(head);
        String headers = new String(head, 0, end >= 0 ? end + 2 : head.length, StandardCharsets.UTF_8);
        Matcher m = SUBJECT.matcher(headers);
        if (!m.find()) {
            return null;
        }
        String raw = FOLD.matcher(m.group(1)).replaceAll("").strip();
        // Control characters (an encoded NUL, say) are dropped: PostgreSQL refuses NUL in text,
        // and a row that can never be inserted would be redelivered forever.
        String decoded = CONTROL.matcher(decode(raw)).replaceAll("");
        return decoded.length() > MAX_LENGTH ? decoded.substring(0, MAX_LENGTH) : decoded;
    }

    /** Index of the first CRLF CRLF (the empty line after the header section), or -1. */
    private static int headerEnd(byte[] head) {
        for (int i = 0; i + 3 < head.length; i++) {
            if (head[i] == '\r' && head[i + 1] == '\n' && head[i + 2] == '\r' && head[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    static String decode(String value) {
        // White space between two adjacent encoded words is not part of the text (RFC 2047 6.2).
        String joined = BETWEEN_WORDS.matcher(value).replaceAll("$1$2");
        Matcher m = WORD.matcher(joined);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(word(m.group(1), m.group(2), m.group(3), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String word(String charsetName, String encoding, String text, String original) {
        try {
            Charset charset = Charset.forName(charsetName.replaceFirst("\\*.*$", "")); // RFC 2231 language suffix
            byte[] bytes = encoding.toUpperCase(Locale.ROOT).equals("B")
                    ? Base64.getMimeDecoder().decode(text) : quoted(text);
            return new String(bytes, charset);
        } catch (IllegalArgumentException e) {
            return original;
        }
    }

    private static byte[] quoted(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=' && i + 2 < text.length()) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
