package io.mailgateway.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One result of an authentication method, as RFC 8601 2.2 reports it:
 * {@code method=result [(comment)] ptype.property=value ...}, e.g.
 * {@code spf=pass smtp.mailfrom=example.com} or {@code dmarc=fail (p=reject dis=reject) header.from=example.com}.
 * Checks put these in their {@link Verdict}; the route step {@code authenticationResults} writes
 * them into the message, and later checks (DMARC) read those of the checks before them.
 *
 * @param method     the method keyword (spf, dkim, dmarc, ...), lower case
 * @param result     the result keyword (pass, fail, none, temperror, ...)
 * @param comment    a comment after the result, without parentheses, or null
 * @param properties ptype.property=value pairs, in order
 */
public record AuthResult(String method, String result, String comment, List<Property> properties) {

    /** {@code ptype.property=value}, e.g. {@code header.d=example.com}; the value is raw, quoted when written. */
    public record Property(String name, String value) {
    }

    public AuthResult {
        properties = List.copyOf(properties);
    }

    public static AuthResult of(String method, String result) {
        return new AuthResult(method, result, null, List.of());
    }

    public AuthResult withComment(String text) {
        return new AuthResult(method, result, text, properties);
    }

    public AuthResult with(String property, String value) {
        List<Property> more = new ArrayList<>(properties);
        more.add(new Property(property, value));
        return new AuthResult(method, result, comment, more);
    }

    /** The value of a property, if reported. */
    public Optional<String> property(String name) {
        return properties.stream().filter(p -> p.name().equals(name)).map(Property::value).findFirst();
    }
}
