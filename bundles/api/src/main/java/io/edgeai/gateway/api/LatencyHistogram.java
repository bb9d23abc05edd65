package io.edgeai.gateway.api;

import java.util.List;

/**
 * A latency distribution in fixed buckets, as Prometheus classic histograms count it: for metrics and
 * status displays.
 *
 * @param upperBoundsSeconds bucket upper bounds in seconds, ascending; an implicit last bucket holds the rest
 * @param bucketCounts observations per bucket (not cumulative); one more entry than bounds, the last one
 *        for observations above the highest bound
 * @param count all observations
 * @param sumSeconds sum of all observations in seconds
 */
public record LatencyHistogram(
        List<Double> upperBoundsSeconds, List<Long> bucketCounts, long count, double sumSeconds) {

    /** No observations, no buckets. */
    public static final LatencyHistogram EMPTY = new LatencyHistogram(List.of(), List.of(0L), 0, 0);

    /** Validates the shape and copies the lists. */
    public LatencyHistogram {
        upperBoundsSeconds = List.copyOf(upperBoundsSeconds);
        bucketCounts = List.copyOf(bucketCounts);
        if (bucketCounts.size() != upperBoundsSeconds.size() + 1) {
            throw new IllegalArgumentException("need one count per bound plus one for the overflow bucket");
        }
    }
}
