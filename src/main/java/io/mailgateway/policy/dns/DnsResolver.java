package io.mailgateway.policy.dns;

import java.util.List;
import java.util.stream.Collectors;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SPFRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The one DNS interface policy code (SPF, DKIM, DMARC) uses. A lookup either answers (records,
 * NXDOMAIN or NODATA) or throws {@link DnsTemporaryException} (timeout, SERVFAIL, network error):
 * a temporary error is never reported as "no record".
 */
public interface DnsResolver {

    /** Records of {@code type} (an {@link org.xbill.DNS.Type} constant) for {@code name}. */
    DnsAnswer lookup(String name, int type) throws DnsTemporaryException;

    /** TXT strings of each record, the character-strings of one record joined. */
    default List<String> txt(String name) throws DnsTemporaryException {
        return lookup(name, Type.TXT).records().stream()
                .filter(TXTRecord.class::isInstance)
                .map(r -> String.join("", ((TXTRecord) r).getStrings()))
                .collect(Collectors.toList());
    }

    /** A/AAAA addresses, MX exchanges, PTR targets as text (names without the trailing dot). */
    static String text(Record r) {
        if (r instanceof ARecord a) {
            return a.getAddress().getHostAddress();
        }
        if (r instanceof AAAARecord a) {
            return a.getAddress().getHostAddress();
        }
        if (r instanceof MXRecord mx) {
            return mx.getTarget().toString(true);
        }
        if (r instanceof PTRRecord ptr) {
            return ptr.getTarget().toString(true);
        }
        if (r instanceof TXTRecord txt) {
            return String.join("", txt.getStrings());
        }
        if (r instanceof SPFRecord spf) { // the old SPF type (99)
            return String.join("", spf.getStrings());
        }
        return r.rdataToString();
    }
}
