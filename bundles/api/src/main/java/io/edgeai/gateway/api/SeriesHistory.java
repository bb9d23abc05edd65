package io.edgeai.gateway.api;

import java.util.List;

/**
 * The recent raw readings of one series of a pipeline, as its uplink policy keeps them ({@code uplinkHistory}),
 * oldest first: what an on-demand detail request answers with.
 *
 * @param pipeline the pipeline's name
 * @param series {@code <device>/<quantity>}, as in the pipeline's uplink topics
 * @param times each reading's time in epoch milliseconds
 * @param values each reading's raw value, same order and length as {@code times}
 * @since 1.11
 */
public record SeriesHistory(String pipeline, String series, List<Long> times, List<Double> values) {
    /** Copies the lists; they must be of the same length. */
    public SeriesHistory {
        times = List.copyOf(times);
        values = List.copyOf(values);
        if (times.size() != values.size()) {
            throw new IllegalArgumentException(times.size() + " times for " + values.size() + " values");
        }
    }
}
