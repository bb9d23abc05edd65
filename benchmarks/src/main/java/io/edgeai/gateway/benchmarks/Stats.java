package io.edgeai.gateway.benchmarks;

import java.util.Arrays;

/** Percentiles of recorded latencies (nanoseconds in, milliseconds out). */
final class Stats {
    private Stats() {}

    /**
     * @param nanos latencies in nanoseconds (not modified); entries below 0 (no result) are left out
     * @param p percentile 0..100
     * @return the percentile in milliseconds (nearest rank), NaN when empty
     */
    static double percentileMs(long[] nanos, double p) {
        long[] c = Arrays.stream(nanos).filter(x -> x >= 0).sorted().toArray();
        if (c.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100 * c.length) - 1;
        return c[Math.max(0, Math.min(c.length - 1, i))] / 1e6;
    }

    /** @return {@code x} rounded to 3 significant decimals for the report */
    static double round(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return x;
        }
        return Math.round(x * 1000) / 1000.0;
    }

    /**
     * Waits until {@code dueNanos} ({@link System#nanoTime()} time) in slices of at most 200 µs, the pacing of
     * every fixed-rate run (so each sees the same wake-ups).
     */
    static void parkUntil(long dueNanos) {
        long wait;
        while ((wait = dueNanos - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(wait, 200_000));
        }
    }
}
