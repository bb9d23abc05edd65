package io.edgeai.gateway.pipeline.internal.detect;

/**
 * Test oracle: {@link SeasonalDifference} as it was before season buckets (one value per row of the season,
 * the channel disabled above {@code maxLagRows}). Tests check the bucketed version is identical to it when a
 * season has at most {@link SeasonalDifference#BUCKETS} rows.
 *
 * <p>Difference of each value from the value one season earlier (a lag given in time, e.g. one day,
 * turned into rows from the median spacing of the series' first {@value #SPACING_ROWS} rows). The
 * root mean square of the differences over the last few rows is an error that grows when a series
 * stops repeating its daily shape, which a window of a few hours cannot see. O(1) per row; memory
 * one season of values.
 */
final class ExactSeasonalDifference {
    static final int SPACING_ROWS = 33;
    private final long lagMillis;
    private final int maxLagRows;
    private final long[] firstTimes = new long[SPACING_ROWS];
    private final double[] squares;
    private int timesSeen;
    private double[] ring;
    private long count;
    private double squareSum;
    private long squareCount;

    /**
     * @param lagMillis the season, in milliseconds
     * @param averageRows squared differences averaged
     * @param maxLagRows the lag in rows is capped at this (memory bound); longer seasons disable the channel
     */
    ExactSeasonalDifference(long lagMillis, int averageRows, int maxLagRows) {
        this.lagMillis = lagMillis;
        this.maxLagRows = maxLagRows;
        this.squares = new double[averageRows];
    }

    /** @return true once a full season of differences has been seen (two seasons of values) */
    boolean seasonLearned() {
        return ring != null && ring.length > 0 && squareCount >= ring.length;
    }

    /**
     * @param timestampMillis the value's time
     * @param value the value
     * @return the root mean square of the seasonal differences over the last rows, NaN while the
     *         lag is unknown, less than a season has been seen, or the channel is disabled
     */
    double update(long timestampMillis, double value) {
        if (ring == null) {
            if (timesSeen < SPACING_ROWS) {
                firstTimes[timesSeen++] = timestampMillis;
                if (timesSeen < SPACING_ROWS) {
                    return Double.NaN;
                }
            }
            long[] diffs = new long[SPACING_ROWS - 1];
            for (int i = 1; i < SPACING_ROWS; i++) {
                diffs[i - 1] = firstTimes[i] - firstTimes[i - 1];
            }
            java.util.Arrays.sort(diffs);
            long spacing = diffs[diffs.length / 2];
            long lag = spacing > 0 ? Math.round((double) lagMillis / spacing) : 0;
            if (lag < 2 || lag > maxLagRows) {
                ring = new double[0];
            } else {
                ring = new double[(int) lag];
            }
        }
        if (ring.length == 0) {
            return Double.NaN;
        }
        int slot = (int) (count % ring.length);
        double previous = ring[slot];
        ring[slot] = value;
        count++;
        if (count <= ring.length) {
            return Double.NaN;
        }
        double d = value - previous;
        int s = (int) (squareCount % squares.length);
        squareSum += d * d - squares[s];
        squares[s] = d * d;
        squareCount++;
        return Math.sqrt(Math.max(0, squareSum) / Math.min(squareCount, squares.length));
    }
}
