package io.edgeai.gateway.pipeline.internal.uplink;

/** Raw readings of one series in order, up to a fixed number: one half of an evidence window. */
final class Points {
    private final long[] ts;
    private final double[] values;
    private int size;

    /** @param capacity readings it can take */
    Points(int capacity) {
        ts = new long[capacity];
        values = new double[capacity];
    }

    /**
     * @param epochMillis a reading's time
     * @param value its value
     */
    void add(long epochMillis, double value) {
        ts[size] = epochMillis;
        values[size] = value;
        size++;
    }

    /** @return whether it holds as many readings as it can take */
    boolean full() {
        return size == ts.length;
    }

    /** @return readings held */
    int size() {
        return size;
    }

    /**
     * @param i index, oldest first
     * @return its time
     */
    long ts(int i) {
        return ts[i];
    }

    /**
     * @param i index, oldest first
     * @return its value
     */
    double value(int i) {
        return values[i];
    }
}
