package io.mailgateway.policy.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.policy.dkim.DkimResult;
import io.mailgateway.policy.dmarc.DmarcRecord.Policy;
import io.mailgateway.policy.dmarc.DmarcVerdict.Result;
import io.mailgateway.policy.dns.DnsjavaResolver;
import io.mailgateway.policy.dns.LoopbackDnsServer;
import io.mailgateway.policy.spf.SpfResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

/**
 * DMARC evaluation with policy records served in DNS wire format by a loopback server, read
 * through the production resolver (dnsjava): discovery, alignment, p/sp/pct, override, errors.
 */
class DmarcEvaluatorTest {

    private LoopbackDnsServer dns;
    private DnsjavaResolver resolver;
    private final AtomicInteger draw = new AtomicInteger(0);

    @BeforeEach
    void start() throws Exception {
        dns = new LoopbackDnsServer();
        resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(300), 0, 0);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private void txt(String name, String value) {
        dns.add(new TXTRecord(Name.fromConstantString(name + "."), DClass.IN, 300, value));
    }

    private DmarcEvaluator evaluator(Map<String, Policy> overrides) {
        return new DmarcEvaluator(resolver, overrides, draw::get);
    }

    private DmarcEvaluator evaluator() {
        return evaluator(Map.of());
    }

    private static List<DkimResult> dkimPass(String d) {
        return List.of(new DkimResult(d, "sel", DkimResult.Result.PASS, null));
    }

    /**
     * The alignment table: relaxed/strict x SPF/DKIM x the authenticated domain being the From
     * domain itself, a subdomain of it, its organizational domain, or unrelated.
     */
    @ParameterizedTest(name = "{0} {1}: From {2}, authenticated {3} -> {4}")
    @CsvSource({
        // mode, check, From domain, authenticated domain, result
        "r, spf,  example.com,      example.com,       pass",
        "r, spf,  example.com,      bounce.example.com, pass",
        "r, spf,  news.example.com, example.com,       pass",
        "r, spf,  news.example.com, other.example.com, pass",
        "r, spf,  example.com,      example.net,       fail",
        "r, spf,  example.com,      example.com.evil.test, fail",
        "s, spf,  example.com,      example.com,       pass",
        "s, spf,  example.com,      bounce.example.com, fail",
        "s, spf,  news.example.com, example.com,       fail",
        "s, spf,  example.com,      example.net,       fail",
        "r, dkim, example.com,      example.com,       pass",
        "r, dkim, example.com,      mail.example.com,  pass",
        "r, dkim, news.example.com, example.com,       pass",
        "r, dkim, example.com,      example.net,       fail",
        "s, dkim, example.com,      example.com,       pass",
        "s, dkim, example.com,      mail.example.com,  fail",
        "s, dkim, news.example.com, example.com,       fail",
        "s, dkim, example.com,      example.net,       fail",
        "r, dkim, shop.example.co.uk, mail.example.co.uk, pass",
        "r, dkim, example.co.uk,    other.co.uk,       fail",
    })
    void should_align_identifiers_relaxed_and_strict(String mode, String check, String from, String authenticated, String result) {
        txt("_dmarc.example.com", "v=DMARC1; p=reject; adkim=" + mode + "; aspf=" + mode);
        txt("_dmarc.example.co.uk", "v=DMARC1; p=reject; adkim=" + mode + "; aspf=" + mode);
        DmarcVerdict v = check.equals("spf")
                ? evaluator().evaluate(from, SpfResult.PASS, authenticated, List.of())
                : evaluator().evaluate(from, SpfResult.NONE, "unrelated.example.org", dkimPass(authenticated));
        assertThat(v.result().keyword()).isEqualTo(result);
        assertThat(v.disposition()).isEqualTo(result.equals("pass") ? Policy.NONE : Policy.REJECT);
    }

    @Test
    void should_not_align_on_results_other_than_pass() {
        txt("_dmarc.example.com", "v=DMARC1; p=quarantine");
        List<DkimResult> failing = List.of(new DkimResult("example.com", "s", DkimResult.Result.FAIL, "bad signature"),
                new DkimResult("example.com", "s", DkimResult.Result.NEUTRAL, "x"));
        for (SpfResult spf : List.of(SpfResult.FAIL, SpfResult.SOFTFAIL, SpfResult.NEUTRAL, SpfResult.NONE, SpfResult.PERMERROR)) {
            DmarcVerdict v = evaluator().evaluate("example.com", spf, "example.com", failing);
            assertThat(v.result()).as("spf=%s", spf).isEqualTo(Result.FAIL);
            assertThat(v.disposition()).isEqualTo(Policy.QUARANTINE);
        }
    }

    @Test
    void should_pass_when_any_one_signature_aligns() {
        txt("_dmarc.example.com", "v=DMARC1; p=reject");
        List<DkimResult> sigs = List.of(new DkimResult("esp.example.net", "s1", DkimResult.Result.PASS, null),
                new DkimResult("example.com", "s2", DkimResult.Result.PASS, null));
        assertThat(evaluator().evaluate("example.com", SpfResult.FAIL, "esp.example.net", sigs).result()).isEqualTo(Result.PASS);
    }

    @Test
    void should_use_the_organizational_domain_record_and_its_sp_for_a_subdomain() {
        txt("_dmarc.example.co.uk", "v=DMARC1; p=reject; sp=quarantine");
        DmarcVerdict sub = evaluator().evaluate("a.b.example.co.uk", SpfResult.FAIL, "a.b.example.co.uk", List.of());
        assertThat(sub.result()).isEqualTo(Result.FAIL);
        assertThat(sub.policy()).isEqualTo(Policy.QUARANTINE);
        assertThat(sub.disposition()).isEqualTo(Policy.QUARANTINE);
        assertThat(dns.queries("_dmarc.a.b.example.co.uk")).isEqualTo(1);
        assertThat(dns.queries("_dmarc.example.co.uk")).isEqualTo(1);
        assertThat(dns.queries("_dmarc.b.example.co.uk")).as("no walk through intermediate names").isZero();

        DmarcVerdict org = evaluator().evaluate("example.co.uk", SpfResult.FAIL, "example.co.uk", List.of());
        assertThat(org.disposition()).as("p, not sp, for the organizational domain itself").isEqualTo(Policy.REJECT);
    }

    @Test
    void should_use_p_of_a_subdomain_with_its_own_record() {
        txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=reject");
        txt("_dmarc.lists.example.com", "v=DMARC1; p=none");
        DmarcVerdict v = evaluator().evaluate("lists.example.com", SpfResult.FAIL, "x.test", List.of());
        assertThat(v.result()).isEqualTo(Result.FAIL);
        assertThat(v.disposition()).isEqualTo(Policy.NONE);
        assertThat(dns.queries("_dmarc.example.com")).isZero();
    }

    @Test
    void should_apply_pct_by_sampling_and_the_next_less_strict_policy_outside_the_sample() {
        txt("_dmarc.example.com", "v=DMARC1; p=reject; pct=30");
        txt("_dmarc.example.net", "v=DMARC1; p=quarantine; pct=30");
        draw.set(29); // inside the 30 %
        assertThat(evaluator().evaluate("example.com", SpfResult.FAIL, "example.com", List.of()).disposition()).isEqualTo(Policy.REJECT);
        assertThat(evaluator().evaluate("example.net", SpfResult.FAIL, "example.net", List.of()).disposition()).isEqualTo(Policy.QUARANTINE);
        draw.set(30); // outside
        assertThat(evaluator().evaluate("example.com", SpfResult.FAIL, "example.com", List.of()).disposition()).isEqualTo(Policy.QUARANTINE);
        assertThat(evaluator().evaluate("example.net", SpfResult.FAIL, "example.net", List.of()).disposition()).isEqualTo(Policy.NONE);
    }

    @Test
    void should_apply_pct_0_to_no_message_and_pct_100_to_every_message() {
        txt("_dmarc.zero.test", "v=DMARC1; p=reject; pct=0");
        txt("_dmarc.all.test", "v=DMARC1; p=reject; pct=100");
        draw.set(0);
        assertThat(evaluator().evaluate("zero.test", SpfResult.FAIL, "zero.test", List.of()).disposition()).isEqualTo(Policy.QUARANTINE);
        draw.set(99);
        assertThat(evaluator().evaluate("all.test", SpfResult.FAIL, "all.test", List.of()).disposition()).isEqualTo(Policy.REJECT);
    }

    @Test
    void should_give_none_without_a_record_with_several_records_or_with_a_malformed_one() {
        txt("_dmarc.two.test", "v=DMARC1; p=reject");
        txt("_dmarc.two.test", "v=DMARC1; p=none");
        txt("_dmarc.bad.test", "v=DMARC1; p=rejectt");
        txt("_dmarc.other.test", "some-verification=abc");
        for (String d : List.of("nothing.test", "two.test", "bad.test", "other.test")) {
            DmarcVerdict v = evaluator().evaluate(d, SpfResult.FAIL, d, List.of());
            assertThat(v.result()).as(d).isEqualTo(Result.NONE);
            assertThat(v.disposition()).isEqualTo(Policy.NONE);
        }
    }

    @Test
    void should_give_temperror_without_disposition_when_the_policy_lookup_times_out() {
        dns.timeout(Name.fromConstantString("_dmarc.slow.test."));
        DmarcVerdict v = evaluator().evaluate("slow.test", SpfResult.FAIL, "slow.test", List.of());
        assertThat(v.result()).isEqualTo(Result.TEMPERROR);
        assertThat(v.disposition()).isEqualTo(Policy.NONE);
    }

    @Test
    void should_give_temperror_on_servfail() {
        dns.servfail(Name.fromConstantString("_dmarc.broken.test."));
        assertThat(evaluator().evaluate("broken.test", SpfResult.PASS, "broken.test", List.of()).result()).isEqualTo(Result.TEMPERROR);
    }

    @Test
    void should_not_fail_a_message_whose_spf_or_dkim_had_a_temporary_error() {
        txt("_dmarc.example.com", "v=DMARC1; p=reject");
        assertThat(evaluator().evaluate("example.com", SpfResult.TEMPERROR, "example.com", List.of()).result())
                .isEqualTo(Result.TEMPERROR);
        List<DkimResult> temp = List.of(new DkimResult("example.com", "s", DkimResult.Result.TEMPERROR, "key lookup timed out"));
        DmarcVerdict v = evaluator().evaluate("example.com", SpfResult.FAIL, "example.com", temp);
        assertThat(v.result()).isEqualTo(Result.TEMPERROR);
        assertThat(v.disposition()).isEqualTo(Policy.NONE);
        // but an aligned pass still passes
        assertThat(evaluator().evaluate("example.com", SpfResult.TEMPERROR, "example.com", dkimPass("example.com")).result())
                .isEqualTo(Result.PASS);
    }

    /** A SERVFAIL in the sender's own zone (its SPF, its d=) cannot make a spoof of a p=reject domain pass, so it changes nothing. */
    @Test
    void should_ignore_temporary_errors_of_identifiers_that_cannot_align() {
        txt("_dmarc.example.com", "v=DMARC1; p=reject");
        DmarcVerdict spoof = evaluator().evaluate("example.com", SpfResult.TEMPERROR, "evil.test",
                List.of(new DkimResult("evil.test", "s", DkimResult.Result.TEMPERROR, "key lookup timed out")));
        assertThat(spoof.result()).isEqualTo(Result.FAIL);
        assertThat(spoof.disposition()).isEqualTo(Policy.REJECT);
        // relaxed alignment: a subdomain's temperror still counts; strict: it does not
        assertThat(evaluator().evaluate("example.com", SpfResult.TEMPERROR, "bounces.example.com", List.of()).result())
                .isEqualTo(Result.TEMPERROR);
        txt("_dmarc.example.net", "v=DMARC1; p=reject; aspf=s; adkim=s");
        assertThat(evaluator().evaluate("example.net", SpfResult.TEMPERROR, "bounces.example.net",
                List.of(new DkimResult("mail.example.net", "s", DkimResult.Result.TEMPERROR, "timeout"))).result())
                .isEqualTo(Result.FAIL);
    }

    @Test
    void should_let_the_operator_override_the_disposition_of_failures_per_domain() {
        txt("_dmarc.example.org", "v=DMARC1; p=reject");
        txt("_dmarc.bank.test", "v=DMARC1; p=none");
        DmarcEvaluator e = evaluator(DmarcEvaluator.parseOverrides("example.org=none, bank.test=reject"));
        DmarcVerdict relaxed = e.evaluate("lists.example.org", SpfResult.FAIL, "x.test", List.of());
        assertThat(relaxed.result()).isEqualTo(Result.FAIL);
        assertThat(relaxed.policy()).isEqualTo(Policy.REJECT);
        assertThat(relaxed.disposition()).isEqualTo(Policy.NONE);
        assertThat(relaxed.overridden()).isTrue();
        DmarcVerdict strict = e.evaluate("bank.test", SpfResult.FAIL, "x.test", List.of());
        assertThat(strict.disposition()).isEqualTo(Policy.REJECT);
        assertThat(e.evaluate("bank.test", SpfResult.PASS, "bank.test", List.of()).disposition()).isEqualTo(Policy.NONE);
    }

    @Test
    void should_check_the_override_setting() {
        assertThat(DmarcEvaluator.checkOverrides("")).isNull();
        assertThat(DmarcEvaluator.checkOverrides("example.org=none,bank.test=reject")).isNull();
        assertThat(DmarcEvaluator.checkOverrides("example.org=drop")).contains("example.org=drop");
        assertThat(DmarcEvaluator.checkOverrides("example.org")).isNotNull();
        assertThat(DmarcEvaluator.checkOverrides("=reject")).isNotNull();
    }
}
