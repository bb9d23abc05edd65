package io.edgeai.gateway.pipeline.internal.detect;

/** The last {@code size} values of a series, oldest first when copied out. */
final class SlidingWindow {
    /*
     * Doubles, not floats: floats would save 256 bytes per series (of about 7 KB) and left the NAB score
     * unchanged (62.3993; 826 of 180,082 scores moved by at most 9e-7), but a float has 24 bits: a meter
     * reading 1,200,000.0 in steps of 0.1 would be stored in steps of 0.125, and its window would lose the
     * very changes it is there to show.
     */
    private final double[] ring;
    private int next;
    private long count;

    /** @param size number of values kept, at least 1 */
    SlidingWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("window size must be >= 1: " + size);
        }
        ring = new double[size];
    }

    /** @param value appended; the oldest value falls out once the window is full */
    void add(double value) {
        ring[next] = value;
        next = (next + 1) % ring.length;
        count++;
    }

    /** @return true once {@code size} values were added */
    boolean isFull() {
        return count >= ring.length;
    }

    /** @return the window's capacity */
    int size() {
        return ring.length;
    }

    /**
     * Writes the window, oldest first, z-scored and clipped, into {@code out}.
     *
     * @param out destination of length {@link #size()}
     * @param mean subtracted from every value
     * @param std every value is divided by it (positive)
     * @param clip result bound: values land in {@code [-clip, clip]}
     */
    void normalisedInto(float[] out, double mean, double std, double clip) {
        for (int i = 0; i < ring.length; i++) {
            double z = (ring[(next + i) % ring.length] - mean) / std;
            out[i] = (float) Math.max(-clip, Math.min(clip, z));
        }
    }
}
