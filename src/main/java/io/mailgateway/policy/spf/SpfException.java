package io.mailgateway.policy.spf;

/** Ends an evaluation with temperror or permerror (RFC 7208 2.6.6, 2.6.7); these always propagate to the top. */
final class SpfException extends Exception {

    private final SpfResult result;

    private SpfException(SpfResult result, String message) {
        super(message, null, false, false); // control flow: no stack trace
        this.result = result;
    }

    static SpfException permerror(String message) {
        return new SpfException(SpfResult.PERMERROR, message);
    }

    static SpfException temperror(String message) {
        return new SpfException(SpfResult.TEMPERROR, message);
    }

    SpfResult result() {
        return result;
    }
}
