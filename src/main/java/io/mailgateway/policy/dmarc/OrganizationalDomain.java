package io.mailgateway.policy.dmarc;

import com.google.common.net.InternetDomainName;
import java.util.Locale;

/**
 * RFC 7489 3.2: the organizational domain of a name is its public suffix plus one label, the
 * public suffix list being the one Guava ships ({@link InternetDomainName}, ICANN and private
 * sections). A name under no listed suffix falls to the list's default rule "*": its last label
 * is the suffix, so the organizational domain is its last two labels.
 */
public final class OrganizationalDomain {

    private OrganizationalDomain() {
    }

    /** @param domain a lower-case DNS name without trailing dot */
    public static String of(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        try {
            InternetDomainName name = InternetDomainName.from(d);
            if (name.isUnderPublicSuffix()) {
                return name.topPrivateDomain().toString();
            }
            if (name.isPublicSuffix()) {
                return d; // a public suffix itself has no organizational domain above it
            }
        } catch (IllegalArgumentException | IllegalStateException notARegularName) {
            // e.g. underscores or a label Guava refuses: fall through to the default rule
        }
        int last = d.lastIndexOf('.');
        if (last <= 0) {
            return d;
        }
        int second = d.lastIndexOf('.', last - 1);
        return second < 0 ? d : d.substring(second + 1);
    }

    /** RFC 7489 3.1.1/3.1.2 identifier alignment. */
    public static boolean aligned(String a, String b, boolean strict) {
        if (a == null || b == null || a.isEmpty() || b.isEmpty()) {
            return false;
        }
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        return strict ? x.equals(y) : of(x).equals(of(y));
    }
}
