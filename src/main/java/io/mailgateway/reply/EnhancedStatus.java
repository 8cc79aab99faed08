package io.mailgateway.reply;

/**
 * An RFC 3463 enhanced status code: {@code class.subject.detail}, e.g. 5.7.1.
 * Class 2 is success, 4 persistent transient failure, 5 permanent failure.
 */
public record EnhancedStatus(int statusClass, int subject, int detail) {

    public EnhancedStatus {
        if (statusClass != 2 && statusClass != 4 && statusClass != 5) {
            throw new IllegalArgumentException("RFC 3463 class must be 2, 4 or 5: " + statusClass);
        }
    }

    public static EnhancedStatus of(int statusClass, int subject, int detail) {
        return new EnhancedStatus(statusClass, subject, detail);
    }

    @Override
    public String toString() {
        return statusClass + "." + subject + "." + detail;
    }
}
