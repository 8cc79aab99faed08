package io.mailgateway.policy.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.mailgateway.policy.dns.DnsAnswer;
import io.mailgateway.policy.dns.DnsResolver;
import io.mailgateway.policy.dns.DnsTemporaryException;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.executor.SynchronousSPFExecutor;
import org.apache.james.jspf.impl.SPF;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** {@link SpfChecker} on Apache James jSPF, its DNS lookups going through our {@link DnsResolver}. */
public final class JspfChecker implements SpfChecker {

    private final SPF spf;

    public JspfChecker(DnsResolver resolver) {
        DNSService dns = new ResolverDnsService(resolver);
        this.spf = new SPF(dns, new SynchronousSPFExecutor(dns));
        this.spf.setUseBestGuess(false);
    }

    @Override
    public SpfResult check(String ip, String mailFrom, String helo) {
        SPFResult r = spf.checkSPF(ip, mailFrom == null ? "" : mailFrom, helo == null ? "" : helo);
        String result = r.getResult();
        if (result == null || result.isEmpty()) {
            return SpfResult.NONE;
        }
        switch (result.toLowerCase()) {
            case "error":
            case "temperror":
                return SpfResult.TEMPERROR;
            case "unknown":
            case "permerror":
                return SpfResult.PERMERROR;
            default:
                return SpfResult.of(result);
        }
    }

    /** jSPF's DNS interface over ours: a temporary error becomes jSPF's TimeoutException (temperror). */
    static final class ResolverDnsService implements DNSService {

        private final DnsResolver resolver;
        private int recordLimit = 10;

        ResolverDnsService(DnsResolver resolver) {
            this.resolver = resolver;
        }

        @Override
        public List<String> getRecords(DNSRequest request) throws TimeoutException {
            int type;
            switch (request.getRecordType()) {
                case DNSRequest.A: type = Type.A; break;
                case DNSRequest.AAAA: type = Type.AAAA; break;
                case DNSRequest.MX: type = Type.MX; break;
                case DNSRequest.PTR: type = Type.PTR; break;
                case DNSRequest.TXT: type = Type.TXT; break;
                case DNSRequest.SPF:
                    // RFC 7208 3.1: SPF records are TXT only; type 99 (RFC 4408) is not consulted
                    return null;
                default: throw new IllegalArgumentException("unknown record type " + request.getRecordType());
            }
            DnsAnswer answer;
            try {
                answer = resolver.lookup(request.getHostname(), type);
            } catch (DnsTemporaryException e) {
                throw new TimeoutException(e.getMessage());
            }
            if (answer.isEmpty()) {
                return null; // jSPF's convention for "no such records"
            }
            List<String> out = new ArrayList<>();
            for (Record r : answer.records()) {
                String text = DnsResolver.text(r);
                // names are case-insensitive (RFC 4343); jSPF compares PTR and MX names as strings
                out.add(type == Type.PTR || type == Type.MX ? text.toLowerCase(java.util.Locale.ROOT) : text);
            }
            return out;
        }

        @Override
        public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
            try {
                return CompletableFuture.completedFuture(getRecords(request));
            } catch (TimeoutException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public List<String> getLocalDomainNames() {
            return List.of("localhost");
        }

        @Override
        public void setTimeOut(int timeOut) {
            // our resolver's DNS_TIMEOUT applies
        }

        @Override
        public int getRecordLimit() {
            return recordLimit;
        }

        @Override
        public void setRecordLimit(int recordLimit) {
            this.recordLimit = recordLimit;
        }
    }
}
