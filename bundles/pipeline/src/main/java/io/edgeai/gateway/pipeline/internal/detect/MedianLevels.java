package io.edgeai.gateway.pipeline.internal.detect;

import java.util.Arrays;

/**
 * The levels the running median of the last few values has visited. A median breaks when it leaves the
 * range of every median before it, or, with a histogram of visited levels, when it settles on a level
 * nothing before came near: no earlier median in its bin or the {@code neighbours} bins either side.
 * Unlike {@link SpatialRange} on the raw values, a one- or two-row spike does not widen the median's
 * range, and a spike that does (several rows) only marks the few levels it passed through: a later level
 * shift between the old level and the spike is still new here (a CPU series that once spiked to 75 % and
 * later moves from 17 % to 28 % for good), while a series returning to a level it has held before is not.
 *
 * <p>The histogram spans the range of the medians in {@code bins} equal bins; when the range widens, the
 * counts are moved to the bins of the wider range (by their bin's centre), so the state stays
 * {@code bins} counts whatever the series' length. O(rows + bins) per value.
 */
final class MedianLevels {
    private final double[] ring;
    private final double[] sorted;
    private final SpatialRange range;
    private final int[] visits;
    private final int neighbours;
    private long count;
    private boolean empty = true;
    private double lo;
    private double hi;

    /**
     * @param rows values in the median (odd, at least 1)
     * @param tolerance fraction of the median range a new median must exceed it by to break the range
     * @param bins bins of the histogram of visited levels; 0 for the range break alone
     * @param neighbours bins either side of a median's bin that must be unvisited too for a new level
     */
    MedianLevels(int rows, double tolerance, int bins, int neighbours) {
        if (rows < 1) {
            throw new IllegalArgumentException("median rows must be >= 1: " + rows);
        }
        ring = new double[rows];
        sorted = new double[rows];
        range = new SpatialRange(tolerance);
        visits = new int[bins];
        this.neighbours = neighbours;
    }

    /**
     * @param value the next value
     * @return true when the median of the newest values lies outside the range of all earlier medians,
     *         or on a level no earlier median came near
     */
    boolean update(double value) {
        ring[(int) (count++ % ring.length)] = value;
        if (count < ring.length) {
            return false;
        }
        System.arraycopy(ring, 0, sorted, 0, ring.length);
        Arrays.sort(sorted);
        double median = sorted[ring.length / 2];
        boolean outside = range.outside(median);
        return visits.length > 0 ? visit(median) || outside : outside;
    }

    /** Counts the median in its bin, widening the histogram first when needed; true for a new level. */
    private boolean visit(double median) {
        boolean novel = false;
        if (empty) {
            lo = median;
            hi = median;
            empty = false;
        } else if (median < lo || median > hi) {
            widen(Math.min(lo, median), Math.max(hi, median));
        } else if (hi > lo) {
            int b = bin(median);
            novel = true;
            for (int i = Math.max(0, b - neighbours); i <= Math.min(visits.length - 1, b + neighbours); i++) {
                novel &= visits[i] == 0;
            }
        }
        int b = bin(median);
        if (visits[b] < Integer.MAX_VALUE) {
            visits[b]++;
        }
        return novel;
    }

    /** Moves each bin's count to the bin of the wider range that holds its centre. */
    private void widen(double newLo, double newHi) {
        int[] old = visits.clone();
        Arrays.fill(visits, 0);
        double oldLo = lo;
        double oldWidth = (hi - lo) / visits.length;
        lo = newLo;
        hi = newHi;
        for (int i = 0; i < old.length; i++) {
            if (old[i] > 0) {
                int b = bin(oldLo + (i + 0.5) * oldWidth);
                visits[b] = (int) Math.min(Integer.MAX_VALUE, (long) visits[b] + old[i]);
            }
        }
    }

    private int bin(double v) {
        if (!(hi > lo)) {
            return 0;
        }
        return Math.min(visits.length - 1, Math.max(0, (int) ((v - lo) / (hi - lo) * visits.length)));
    }
}
