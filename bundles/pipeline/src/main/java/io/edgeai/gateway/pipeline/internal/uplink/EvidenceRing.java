package io.edgeai.gateway.pipeline.internal.uplink;

/**
 * The last raw readings of a series (timestamp and value), oldest first when copied out: the "before" half of an
 * evidence window. Worker thread only.
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
        Points out = new Points(size);
        int first = (next - size + ts.length) % ts.length;
        for (int i = 0; i < size; i++) {
            int j = (first + i) % ts.length;
            out.add(ts[j], values[j]);
        }
        return out;
    }
}
