package io.edgeai.gateway.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts latencies into fixed buckets (50 µs to 10 s) for {@link LatencyHistogram} snapshots. Lock-free and
 * thread-safe; providers of {@link Pipeline} and {@link ModelRunner} share it so every histogram has the same
 * buckets.
 */
public final class LatencyRecorder {
    /** Bucket upper bounds in nanoseconds. */
    private static final long[] BOUNDS_NANOS = {
        50_000L,
        100_000L,
        250_000L,
        500_000L,
        1_000_000L,
        2_500_000L,
        5_000_000L,
        10_000_000L,
        25_000_000L,
        50_000_000L,
        100_000_000L,
        250_000_000L,
        500_000_000L,
        1_000_000_000L,
        2_500_000_000L,
        5_000_000_000L,
        10_000_000_000L
    };

    private static final List<Double> BOUNDS_SECONDS;

    static {
        List<Double> b = new ArrayList<>();
        for (long n : BOUNDS_NANOS) {
            b.add(n / 1e9);
        }
        BOUNDS_SECONDS = List.copyOf(b);
    }

    private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS_NANOS.length + 1);
    private final AtomicLong sumNanos = new AtomicLong();

    /** @param nanos one observation, in nanoseconds */
    public void record(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        while (i < BOUNDS_NANOS.length && n > BOUNDS_NANOS[i]) {
            i++;
        }
        buckets.incrementAndGet(i);
        sumNanos.addAndGet(n);
    }

    /** @return the counts so far */
    public LatencyHistogram snapshot() {
        List<Long> counts = new ArrayList<>(buckets.length());
        long total = 0;
        for (int i = 0; i < buckets.length(); i++) {
            long c = buckets.get(i);
            counts.add(c);
            total += c;
        }
        return new LatencyHistogram(BOUNDS_SECONDS, counts, total, sumNanos.get() / 1e9);
    }
}
