package io.mailgateway.policy.camel;

import io.mailgateway.policy.dkim.DkimResult;
import io.mailgateway.policy.dkim.DkimVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * TEST ONLY, not a DKIM verifier: answers fixed results (after reading the whole message, as a
 * real verifier does), so the route steps around DKIM can be tested end to end before the real
 * verifier is merged. Never bound in the gateway.
 */
final class TestOnlyFixedDkimVerifier implements DkimVerifier {

    private final List<DkimResult> results;

    TestOnlyFixedDkimVerifier(List<DkimResult> results) {
        this.results = results;
    }

    @Override
    public List<DkimResult> verify(InputStream message) throws IOException {
        message.transferTo(java.io.OutputStream.nullOutputStream());
        return results;
    }
}
