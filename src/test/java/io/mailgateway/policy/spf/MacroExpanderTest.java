package io.mailgateway.policy.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7208 section 7: the examples of 7.4, transformers, delimiters, escaping and syntax errors. */
class MacroExpanderTest {

    private final AtomicBoolean localPartUsed = new AtomicBoolean();

    private MacroExpander.Context ctx(String ip) {
        return new MacroExpander.Context(SpfIp.parse(ip), "strong-bad", "email.example.com", "email.example.com",
                "mx.example.org", "gw.example.net", () -> "mx.example.org", () -> localPartUsed.set(true));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "%{s}|strong-bad@email.example.com",
        "%{o}|email.example.com",
        "%{d}|email.example.com",
        "%{d4}|email.example.com",
        "%{d3}|email.example.com",
        "%{d2}|example.com",
        "%{d1}|com",
        "%{dr}|com.example.email",
        "%{d2r}|example.email",
        "%{l}|strong-bad",
        "%{l-}|strong.bad",
        "%{lr}|strong-bad",
        "%{lr-}|bad.strong",
        "%{l1r-}|strong",
        "%{ir}.%{v}._spf.%{d2}|3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2}|bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}|bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}|3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net|example.com.trusted-domains.example.net",
        "%{h}.%{p}|mx.example.org.mx.example.org",
    })
    void rfc7208_section_7_4_examples(String spec, String expected) throws Exception {
        assertThat(MacroExpander.expand(spec, ctx("192.0.2.3"), false)).isEqualTo(expected);
    }

    @Test
    void ipv6_addresses_expand_to_dotted_nibbles() throws Exception {
        assertThat(MacroExpander.expand("%{ir}.%{v}._spf.%{d2}", ctx("2001:db8::cb01"), false))
                .isEqualTo("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
    }

    @Test
    void ipv4_mapped_ipv6_clients_are_ipv4() throws Exception {
        assertThat(MacroExpander.expand("%{i} %{v} %{c}", ctx("::ffff:192.0.2.3"), true))
                .isEqualTo("192.0.2.3 in-addr 192.0.2.3");
    }

    @Test
    void upper_case_macros_are_url_escaped_and_escapes_expand() throws Exception {
        assertThat(MacroExpander.expand("%{S}", ctx("192.0.2.3"), false)).isEqualTo("strong-bad%40email.example.com");
        assertThat(MacroExpander.expand("a%%b%_c%-d", ctx("192.0.2.3"), true)).isEqualTo("a%b c%20d");
        assertThat(MacroExpander.urlEscape("a b/é")).isEqualTo("a%20b%2F%C3%A9");
    }

    @Test
    void several_delimiters_split_and_rejoin_with_dots() throws Exception {
        MacroExpander.Context c = new MacroExpander.Context(SpfIp.parse("192.0.2.3"), "a+b_c=d", "example.com",
                "example.com", "h.example.com", "r", () -> "unknown", () -> { });
        assertThat(MacroExpander.expand("%{l+_=}", c, false)).isEqualTo("a.b.c.d");
        assertThat(MacroExpander.expand("%{l2r+_=}", c, false)).isEqualTo("b.a");
    }

    @Test
    void explanation_only_macros_expand_in_explanations() throws Exception {
        assertThat(MacroExpander.expand("%{c} via %{r} at %{t}", ctx("192.0.2.3"), true))
                .matches("192\\.0\\.2\\.3 via gw\\.example\\.net at \\d+");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%{c}.example.com", "%{r}.example.com", "%{t}.example.com", "%{x}.example.com",
        "%{d0}.example.com", "%{d2q}.example.com", "%{d", "foo%", "%a.example.com", "%{}.example.com"})
    void bad_macros_in_domain_specs_are_permerrors(String spec) {
        assertThatThrownBy(() -> MacroExpander.checkSyntax(spec, false))
                .isInstanceOfSatisfying(SpfException.class, e -> assertThat(e.result()).isEqualTo(SpfResult.PERMERROR));
    }

    @Test
    void expanded_domains_are_cut_to_253_octets_from_the_left() throws Exception {
        String label = "a".repeat(60);
        MacroExpander.Context c = new MacroExpander.Context(SpfIp.parse("192.0.2.3"), label + "." + label + "." + label,
                "example.com", "example.com", "h.example.com", "r", () -> "unknown", () -> { });
        String out = MacroExpander.expandDomain("%{l}.%{l}.example.com", c);
        assertThat(out.length()).isLessThanOrEqualTo(253);
        assertThat(out).endsWith(".example.com").doesNotStartWith(".");
        assertThat(out.length()).isGreaterThan(253 - 61); // only whole labels dropped, as few as needed
    }

    @Test
    void using_the_local_part_is_reported() throws Exception {
        MacroExpander.expand("%{d}", ctx("192.0.2.3"), false);
        assertThat(localPartUsed).isFalse();
        MacroExpander.expand("%{l}.%{d}", ctx("192.0.2.3"), false);
        assertThat(localPartUsed).isTrue();
    }
}
