package io.mailgateway.policy.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Verifies every DKIM-Signature of a message (RFC 6376). An empty list means the message is not
 * signed ("dkim=none"). Key lookups go through the gateway's DNS resolver; a DNS timeout gives
 * {@link DkimResult.Result#TEMPERROR} for that signature, never a pass.
 */
public interface DkimVerifier {

    /** @param message the whole message as received (headers and body, CRLF line ends) */
    List<DkimResult> verify(InputStream message) throws IOException;
}
