package io.edgeai.gateway.intake;

import java.util.Arrays;

/** The last N latencies, for percentiles on demand. Written by one thread, read by any. */
public final class LatencyWindow {
    private final long[] micros;
    private int next;
    private int filled;

    /** @param size how many of the latest latencies are kept */
    public LatencyWindow(int size) {
        micros = new long[size];
    }

    /** @param latencyMicros one latency in microseconds */
    public synchronized void record(long latencyMicros) {
        micros[next] = latencyMicros;
        next = (next + 1) % micros.length;
        filled = Math.min(filled + 1, micros.length);
    }

    /**
     * @param p percentile, 0..100
     * @return the percentile in microseconds, 0 when nothing was recorded
     */
    public synchronized long percentile(double p) {
        if (filled == 0) {
            return 0;
        }
        long[] copy = Arrays.copyOf(micros, filled);
        Arrays.sort(copy);
        int idx = (int) Math.ceil(p / 100.0 * filled) - 1;
        return copy[Math.max(0, Math.min(filled - 1, idx))];
    }
}
