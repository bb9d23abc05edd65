package io.edgeai.gateway.pipeline.internal.detect;

import java.util.Arrays;

/**
 * A range break of the running median of the last few values: the level a series settles at leaves
 * everything its median has ever been. Unlike {@link SpatialRange} on the raw values, a one- or
 * two-row spike does not widen this range, so a later level shift to a level below that spike is
 * still new here (a CPU series that once spiked to 75 % and later moves from 17 % to 28 % for good).
 * O(rows) per value with a handful of rows; memory the rows plus a range.
 */
final class MedianRangeBreak {
    private final double[] ring;
    private final double[] sorted;
    private final SpatialRange range;
    private long count;

    /**
     * @param rows values in the median (odd, at least 1)
     * @param tolerance fraction of the median range a new median must exceed it by
     */
    MedianRangeBreak(int rows, double tolerance) {
        if (rows < 1) {
            throw new IllegalArgumentException("median rows must be >= 1: " + rows);
        }
        ring = new double[rows];
        sorted = new double[rows];
        range = new SpatialRange(tolerance);
    }

    /**
     * @param value the next value
     * @return true when the median of the newest values lies outside the range of all earlier medians
     */
    boolean update(double value) {
        ring[(int) (count++ % ring.length)] = value;
        if (count < ring.length) {
            return false;
        }
        System.arraycopy(ring, 0, sorted, 0, ring.length);
        Arrays.sort(sorted);
        return range.outside(sorted[ring.length / 2]);
    }
}
