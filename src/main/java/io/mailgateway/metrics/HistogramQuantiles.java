package io.mailgateway.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.HistogramSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Quantiles from the cumulative bucket counts of histograms (a Timer with
 * publishPercentileHistogram), summed over their tags and interpolated linearly inside the
 * bucket, as Prometheus' {@code histogram_quantile} does: what a dashboard would show, computed
 * here so /stats needs no Prometheus. Timers give seconds. Since start, not over a window.
 */
final class HistogramQuantiles {

    /** Upper bound → cumulative count, over all the histograms given. */
    private final NavigableMap<Double, Double> buckets;
    private final double total;

    HistogramQuantiles(List<Meter> histograms) {
        List<NavigableMap<Double, Double>> each = new ArrayList<>();
        double count = 0;
        TreeSet<Double> bounds = new TreeSet<>();
        for (Meter m : histograms) {
            if (!(m instanceof HistogramSupport h)) {
                continue;
            }
            HistogramSnapshot snapshot = h.takeSnapshot();
            NavigableMap<Double, Double> own = new TreeMap<>();
            for (CountAtBucket c : snapshot.histogramCounts()) {
                own.put(m instanceof Timer ? c.bucket(TimeUnit.SECONDS) : c.bucket(), c.count());
            }
            bounds.addAll(own.keySet());
            each.add(own);
            count += snapshot.count();
        }
        // Tags may have other bounds: each histogram counts, at a bound it lacks, what its
        // nearest bound below counted (cumulative counts never decrease).
        buckets = new TreeMap<>();
        for (double bound : bounds) {
            double sum = 0;
            for (NavigableMap<Double, Double> own : each) {
                Map.Entry<Double, Double> below = own.floorEntry(bound);
                sum += below == null ? 0 : below.getValue();
            }
            buckets.put(bound, sum);
        }
        total = count;
    }

    /** The q-quantile (0..1), or null when nothing was observed. */
    Double quantile(double q) {
        if (total <= 0 || buckets.isEmpty()) {
            return null;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            double upperBound = bucket.getKey();
            double upperCount = bucket.getValue();
            if (upperCount >= rank) {
                if (upperCount == lowerCount) {
                    return upperBound;
                }
                return lowerBound + (upperBound - lowerBound) * (rank - lowerCount) / (upperCount - lowerCount);
            }
            lowerBound = upperBound;
            lowerCount = upperCount;
        }
        // In the +Inf bucket: like histogram_quantile, the highest finite bound.
        return buckets.lastKey();
    }
}
