package io.mailgateway.policy.camel;

import io.mailgateway.message.MailHeaders;
import io.mailgateway.message.MessageContent;
import io.mailgateway.policy.HeaderFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * Authentication-Results field (RFC 8601) with the results the policy steps before it left in
 * the headers, one method per step that ran:
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

    private final String authservId;

    public AuthenticationResults(String authservId) {
        this.authservId = authservId;
    }

    @Override
    public void process(Exchange exchange) throws IOException, InvalidPayloadException {
        Message in = exchange.getIn();
        MessageContent content = in.getMandatoryBody(MessageContent.class);
        content = withoutForgeries(content, in.getHeader(MailHeaders.QUEUE_ID, String.class));
        List<String> methods = methods(in);
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
                if (authservId.equalsIgnoreCase(authservIdOf(f.value()))) {
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

    /** RFC 8601 2.2: the value starts with [CFWS] authserv-id [CFWS version] ";". */
    static String authservIdOf(String value) {
        String v = value.strip();
        while (v.startsWith("(")) {
            int close = v.indexOf(')');
            if (close < 0) {
                return "";
            }
            v = v.substring(close + 1).strip();
        }
        int end = 0;
        while (end < v.length() && v.charAt(end) != ';' && v.charAt(end) != '(' && !Character.isWhitespace(v.charAt(end))) {
            end++;
        }
        return v.substring(0, end).toLowerCase(Locale.ROOT);
    }

    private static List<String> methods(Message in) {
        List<String> out = new ArrayList<>(3);
        String spf = in.getHeader(MailHeaders.SPF_RESULT, String.class);
        if (spf != null) {
            String identity = in.getHeader(MailHeaders.SPF_IDENTITY, "mailfrom", String.class);
            out.add("spf=" + spf + " smtp." + identity + "=" + value(in.getHeader(MailHeaders.SPF_DOMAIN, "", String.class)));
        }
        String dkim = in.getHeader(MailHeaders.DKIM_RESULTS, String.class);
        if (dkim != null) {
            if (dkim.equals("none")) {
                out.add("dkim=none");
            } else {
                for (String sig : dkim.split(";")) {
                    String[] p = sig.split(" ");
                    out.add("dkim=" + p[0] + (p.length > 1 && !p[1].equals("-") ? " header.d=" + value(p[1]) : "")
                            + (p.length > 2 && !p[2].equals("-") ? " header.s=" + value(p[2]) : ""));
                }
            }
        }
        String dmarc = in.getHeader(MailHeaders.DMARC_RESULT, String.class);
        if (dmarc != null) {
            StringBuilder m = new StringBuilder("dmarc=").append(dmarc);
            String policy = in.getHeader(MailHeaders.DMARC_POLICY, String.class);
            if (policy != null) {
                m.append(" (p=").append(policy).append(" dis=")
                        .append(in.getHeader(MailHeaders.DMARC_DISPOSITION, "none", String.class)).append(')');
            }
            String from = in.getHeader(MailHeaders.DMARC_FROM_DOMAIN, String.class);
            if (from != null) {
                m.append(" header.from=").append(value(from));
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
