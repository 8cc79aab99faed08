package io.mailgateway.policy.scan;

import io.mailgateway.policy.DataCheck;
import io.mailgateway.policy.EndOfData;
import io.mailgateway.policy.Verdict;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-of-data check {@code virusCheck}: the message as received, streamed to clamd.
 * <ul>
 * <li>a signature matched → reject 554 5.7.1: nothing is stored, the sender's MTA bounces it;</li>
 * <li>clean → accept with {@code X-Virus-Scanned};</li>
 * <li>larger than VIRUS_MAX_SIZE (or than clamd's StreamMaxLength) → accepted unscanned, logged,
 *     {@code X-Virus-Scanned: no}: a size the operator chose not to scan is no engine failure;</li>
 * <li>clamd down, slow or erroring (or its breaker open) → VIRUS_FAIL_ACTION.</li>
 * </ul>
 * Off when VIRUS_SCAN_ENABLED=false.
 */
public final class VirusCheck implements DataCheck {

    public static final String SCANNED_FIELD = "X-Virus-Scanned";

    private static final Logger LOG = LoggerFactory.getLogger(VirusCheck.class);

    private final boolean enabled;
    private final ClamdClient clamd;
    private final long maxSize;
    private final FailAction failAction;
    private final CircuitBreaker breaker;
    private final ScanMetrics metrics;
    private final String scannedBy;

    public VirusCheck(boolean enabled, ClamdClient clamd, long maxSize, FailAction failAction, CircuitBreaker breaker,
                      ScanMetrics metrics, String hostname) {
        this.enabled = enabled;
        this.clamd = clamd;
        this.maxSize = maxSize;
        this.failAction = failAction;
        this.breaker = breaker;
        this.metrics = metrics;
        this.scannedBy = "ClamAV (clamd) at " + hostname;
    }

    @Override
    public Verdict onData(EndOfData message) {
        if (!enabled) {
            return Verdict.accept();
        }
        long size = message.content().receivedSize();
        if (size > maxSize) {
            LOG.info("{}: not virus-scanned: {} octets is more than VIRUS_MAX_SIZE {}", message.queueId(), size, maxSize);
            metrics.virus(ScanMetrics.SKIPPED);
            return Verdict.accept().withHeader(SCANNED_FIELD, "no, message larger than the scan limit");
        }
        if (!breaker.tryAcquire()) {
            metrics.virus(ScanMetrics.BREAKER_OPEN);
            return unavailable(message, "clamd breaker open");
        }
        ClamdReply reply = null;
        String error = "failed unexpectedly";
        try (InputStream in = message.content().openReceived()) {
            reply = clamd.scan(in);
        } catch (IOException e) {
            error = e.toString();
        } finally {
            // Whatever ended the call, it counts: a probe left open would refuse every later message.
            if (reply == null || reply.kind() == ClamdReply.Kind.ERROR) {
                if (breaker.failure()) {
                    LOG.warn("clamd circuit breaker opened: {}", reply == null ? error : reply.detail());
                }
            } else {
                breaker.success();
            }
        }
        if (reply == null) {
            return failed(message, error);
        }
        return switch (reply.kind()) {
            case CLEAN -> {
                metrics.virus(ScanMetrics.CLEAN);
                yield Verdict.accept().withHeader(SCANNED_FIELD, scannedBy);
            }
            case INFECTED -> {
                metrics.virus(ScanMetrics.INFECTED);
                LOG.info("{}: virus found: {}", message.queueId(), reply.detail());
                yield Verdict.reject(ScanReplies.VIRUS_FOUND, "virus " + reply.detail());
            }
            case SIZE_LIMIT -> {
                metrics.virus(ScanMetrics.SKIPPED);
                LOG.warn("{}: not virus-scanned: clamd's StreamMaxLength is below {} octets; set VIRUS_MAX_SIZE to at most"
                        + " clamd's StreamMaxLength", message.queueId(), size);
                yield Verdict.accept().withHeader(SCANNED_FIELD, "no, message larger than the scan limit");
            }
            case ERROR -> failed(message, "clamd: " + reply.detail());
        };
    }

    private Verdict failed(EndOfData message, String why) {
        metrics.virus(ScanMetrics.ERROR);
        return unavailable(message, why);
    }

    private Verdict unavailable(EndOfData message, String why) {
        if (failAction == FailAction.TEMPFAIL) {
            return Verdict.tempfail(ScanReplies.VIRUS_UNAVAILABLE, why);
        }
        LOG.info("{}: accepted without virus scan ({})", message.queueId(), why);
        return Verdict.accept().withHeader(SCANNED_FIELD, "no, virus scanner unavailable");
    }
}
