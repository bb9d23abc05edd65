package io.edgeai.gateway.pipeline.internal.uplink;

/**
 * The last raw readings of a series (timestamp and value), oldest first when copied out: the "before" half of an
 * evidence window, and the history an on-demand detail request gets (one ring for both, as large as the larger).
 * Worker thread only.
 */
final class EvidenceRing {
    private final long[] ts;
    private final double[] values;
    private int next;
    private int size;

    /** @param capacity readings kept, at least 1 */
    EvidenceRing(int capacity) {
        ts = new long[capacity];
        values = new double[capacity];
    }

    /** @return readings it keeps at most */
    int capacity() {
        return ts.length;
    }

    /**
     * @param epochMillis the reading's time
     * @param value its value; the oldest falls out once the ring is full
     */
    void add(long epochMillis, double value) {
        ts[next] = epochMillis;
        values[next] = value;
        next = (next + 1) % ts.length;
        size = Math.min(size + 1, ts.length);
    }

    /** @return a copy of what it holds, oldest first */
    Points copy() {
        return copy(size);
    }

    /**
     * @param last readings wanted
     * @return a copy of the last {@code last} readings it holds (fewer when it holds fewer), oldest first
     */
    Points copy(int last) {
        int n = Math.min(Math.max(last, 0), size);
        Points out = new Points(n);
        int first = (next - n + ts.length) % ts.length;
        for (int i = 0; i < n; i++) {
            int j = (first + i) % ts.length;
            out.add(ts[j], values[j]);
        }
        return out;
    }
}
