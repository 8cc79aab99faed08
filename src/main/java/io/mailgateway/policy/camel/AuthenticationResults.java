package io.mailgateway.policy.camel;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.MessageContent;
import io.mailgateway.policy.AuthResult;
import io.mailgateway.policy.HeaderFields;
import io.mailgateway.policy.Verdicts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Route step {@code authenticationResults}: removes every incoming Authentication-Results field
 * that claims our authserv-id (RFC 8601 section 5: those can only be forged), then prepends ONE
 * Authentication-Results field (RFC 8601) with the results the checks before it reported in
 * their verdicts ({@link CheckStep#VERDICTS}), one method per result:
 * <pre>
 * Authentication-Results: mx.example.net;
 *         spf=pass smtp.mailfrom=example.com;
 *         dkim=pass header.d=example.com header.s=sel;
 *         dmarc=pass (p=reject dis=none) header.from=example.com
 * </pre>
 * The value (unfolded) is also left in {@link MailHeaders#AUTH_RESULTS} for the stores. When no
 * check ran (all switched off) no field is added. Only the header section is read and only the
 * head up to the last removed field is rewritten; the body is never copied.
 */
public class AuthenticationResults implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationResults.class);

    private static final List<String> ORDER = List.of("spf", "dkim", "dmarc");

    private final String authservId;

    public AuthenticationResults(String authservId) {
        this.authservId = authservId;
    }

    @Override
    public void process(Exchange exchange) throws IOException, InvalidPayloadException {
        Message in = exchange.getIn();
        MessageContent content = in.getMandatoryBody(MessageContent.class);
        content = withoutForgeries(content, in.getHeader(MailHeaders.QUEUE_ID, String.class));
        Verdicts verdicts = exchange.getProperty(CheckStep.VERDICTS, Verdicts.class);
        List<String> methods = verdicts == null ? List.of() : methods(verdicts.results());
        if (!methods.isEmpty()) {
            String value = authservId + "; " + String.join("; ", methods);
            in.setHeader(MailHeaders.AUTH_RESULTS, value);
            String field = "Authentication-Results: " + authservId + ";\r\n\t" + String.join(";\r\n\t", methods) + "\r\n";
            content = content.withPrefix(field.getBytes(StandardCharsets.UTF_8));
        }
        in.setBody(content);
    }

    private MessageContent withoutForgeries(MessageContent content, String queueId) throws IOException {
        List<HeaderFields.Field> forged = new ArrayList<>();
        try (InputStream message = content.openReceived()) {
            for (HeaderFields.Field f : HeaderFields.scan(message, Set.of("authentication-results")).fields()) {
                String id = authservIdOf(f.value());
                // Fail closed: ours, or one whose id cannot be told (malformed, or too long to read
                // whole), goes. A reader that trusts our id must never find a field it could take for ours.
                if (authservId.equalsIgnoreCase(id) || id.isEmpty() || f.cut()) {
                    forged.add(f);
                }
            }
        }
        if (forged.isEmpty()) {
            return content;
        }
        long end = forged.get(forged.size() - 1).end();
        ByteArrayOutputStream head = new ByteArrayOutputStream((int) Math.min(end, 1 << 20));
        try (InputStream message = content.openReceived()) {
            long pos = 0;
            for (HeaderFields.Field f : forged) {
                head.write(message.readNBytes((int) (f.start() - pos)));
                message.skipNBytes(f.end() - f.start());
                pos = f.end();
            }
        }
        LOG.info("{}: removed {} Authentication-Results field(s) claiming to be ours ({})", queueId, forged.size(), authservId);
        return content.withReceivedHead(end, head.toByteArray());
    }

    /**
     * RFC 8601 2.2: the value starts with [CFWS] authserv-id [CFWS version] ";", the id a token or
     * a quoted-string (RFC 2045 value), comments nested with quoted-pairs (RFC 5322 3.2.2). Lower
     * case, unquoted; "" when there is none. (A first cut took the first ")" as a comment's end
     * and kept the quotes, so "(a (b) c) ours;" and "\"ours\";" stayed in the message as ours.)
     */
    static String authservIdOf(String value) {
        int i = 0;
        int n = value.length();
        while (i < n) { // CFWS
            char c = value.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(') {
                int depth = 0;
                for (; i < n; i++) {
                    char d = value.charAt(i);
                    if (d == '\\') {
                        i++;
                    } else if (d == '(') {
                        depth++;
                    } else if (d == ')' && --depth == 0) {
                        break;
                    }
                }
                if (i >= n) {
                    return ""; // an unclosed comment
                }
                i++;
            } else {
                break;
            }
        }
        StringBuilder id = new StringBuilder();
        if (i < n && value.charAt(i) == '"') {
            for (i++; i < n && value.charAt(i) != '"'; i++) {
                if (value.charAt(i) == '\\' && i + 1 < n) {
                    i++;
                }
                id.append(value.charAt(i));
            }
        } else {
            for (; i < n && value.charAt(i) != ';' && value.charAt(i) != '(' && !Character.isWhitespace(value.charAt(i)); i++) {
                id.append(value.charAt(i));
            }
        }
        return id.toString().strip().toLowerCase(Locale.ROOT);
    }

    /**
     * One "method=result ..." per result, SPF, DKIM and DMARC first (the order of the checks'
     * dependencies, whatever order the route ran them in), then any other method in check order.
     */
    static List<String> methods(List<AuthResult> results) {
        List<AuthResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingInt(r -> { // stable: a method's own results keep their order
            int rank = ORDER.indexOf(r.method());
            return rank < 0 ? ORDER.size() : rank;
        }));
        List<String> out = new ArrayList<>(sorted.size());
        for (AuthResult r : sorted) {
            StringBuilder m = new StringBuilder(r.method()).append('=').append(r.result());
            if (r.comment() != null) {
                m.append(" (").append(r.comment().replaceAll("[()\\\\\\p{Cntrl}]", "")).append(')');
            }
            for (AuthResult.Property p : r.properties()) {
                m.append(' ').append(p.name()).append('=').append(value(p.value()));
            }
            out.add(m.toString());
        }
        return out;
    }

    /** An RFC 8601 pvalue: a plain token when it is one, else a quoted-string without controls. */
    static String value(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9.\\-_@+\\[\\]:]+")) {
            return s;
        }
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 32 || c == 127) {
                continue;
            }
            if (c == '"' || c == '\\') {
                q.append('\\');
            }
            q.append(c);
        }
        return q.append('"').toString();
    }
}
