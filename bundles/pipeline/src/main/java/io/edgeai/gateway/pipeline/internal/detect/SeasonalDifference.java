package io.edgeai.gateway.pipeline.internal.detect;

import java.util.Arrays;

/**
 * Difference of each value from the value one season earlier (a lag given in time, e.g. one day,
 * turned into rows from the median spacing of the series' first {@value #SPACING_ROWS} rows). The
 * root mean square of the differences over the last few rows is an error that grows when a series
 * stops repeating its daily shape, which a window of a few hours cannot see. O(1) per row.
 *
 * <p>Memory is bounded whatever the sampling rate: at most {@value #BUCKETS} season values are kept
 * (one per 5 minutes of a day). When a season has more rows than that (a series sampled every second
 * has 86,400 a day), consecutive rows are averaged into buckets of {@code ceil(lagRows / BUCKETS)} rows,
 * and the difference is taken between a completed bucket's mean and the same bucket one season
 * earlier. Rows that do not complete a bucket return NaN (no new difference), like the rows before a
 * season has been seen: the likelihood downstream then sees one error per bucket, as it would for a
 * series sampled once per bucket, instead of the same error repeated and crowding out its history.
 * A season of at most {@value #BUCKETS} rows keeps one value per row, exactly as before buckets.
 */
final class SeasonalDifference {
    static final int SPACING_ROWS = 33;
    /** Most season values kept per series (288 = one per 5 minutes of a 24-hour season). */
    static final int BUCKETS = 288;

    private final long lagMillis;
    /** A shorter season whose prediction is compared with this one's ({@link SeasonGate}), 0 for none. */
    private final long rivalMillis;
    /** The shorter season in buckets (fractional: interpolated), 0 while unknown or when there is none. */
    private double rivalOffset;

    private double lastDifference = Double.NaN;
    private double lastRivalDifference = Double.NaN;
    private final int maxBuckets;
    private final double[] squares;
    /** Times of the first rows, to learn the spacing; dropped once it is known. */
    private long[] firstTimes = new long[SPACING_ROWS];

    private int timesSeen;
    /** Bucket means of the last season; empty when the channel is disabled, null until the lag is known. */
    private float[] ring;
    /** Ring values are stored as float relative to this (the first bucket's mean), so large levels keep their small differences. */
    private double base = Double.NaN;

    private int bucketRows;
    private int rowsInBucket;
    private double bucketSum;
    private long count;
    private double squareSum;
    private long squareCount;

    /**
     * @param lagMillis the season, in milliseconds
     * @param averageRows squared differences averaged
     */
    SeasonalDifference(long lagMillis, int averageRows) {
        this(lagMillis, averageRows, BUCKETS);
    }

    /**
     * @param lagMillis the season, in milliseconds
     * @param averageRows squared differences averaged
     * @param maxBuckets at most this many season values are kept, and never more than {@value #BUCKETS}
     *        (the memory bound holds whatever a caller passes); longer seasons are averaged into buckets
     */
    SeasonalDifference(long lagMillis, int averageRows, int maxBuckets) {
        this(lagMillis, averageRows, maxBuckets, 0);
    }

    /**
     * @param lagMillis the season, in milliseconds
     * @param averageRows squared differences averaged
     * @param maxBuckets at most this many season values are kept (see above)
     * @param rivalMillis a shorter season (a day for a week), 0 for none: each difference then comes with the
     *        difference from the bucket one shorter season earlier ({@link #lastRivalDifference()}), taken from
     *        the same ring, so both predictions have the same granularity
     */
    SeasonalDifference(long lagMillis, int averageRows, int maxBuckets, long rivalMillis) {
        if (rivalMillis < 0 || rivalMillis >= lagMillis && rivalMillis > 0) {
            throw new IllegalArgumentException("rivalMillis must be 0 or in 0..lagMillis: " + rivalMillis);
        }
        this.rivalMillis = rivalMillis;
        if (maxBuckets < 2) {
            throw new IllegalArgumentException("maxBuckets must be >= 2: " + maxBuckets);
        }
        this.lagMillis = lagMillis;
        this.maxBuckets = Math.min(maxBuckets, BUCKETS);
        this.squares = new double[averageRows];
    }

    /** @return true once a full season of differences has been seen (two seasons of values) */
    boolean seasonLearned() {
        return ring != null && ring.length > 0 && squareCount >= ring.length;
    }

    /** @return season values kept (buckets); 0 while the lag is unknown or when the channel is disabled */
    int buckets() {
        return ring == null ? 0 : ring.length;
    }

    /** @return the newest difference (value or bucket mean minus the one a season earlier), NaN before one */
    double lastDifference() {
        return lastDifference;
    }

    /**
     * @return the newest difference from the bucket one shorter season earlier (interpolated between the two
     *         nearest buckets), NaN without a rival season or before a season has been seen
     */
    double lastRivalDifference() {
        return lastRivalDifference;
    }

    /** @return the shorter season in buckets; 0 while the lag is unknown or without a rival */
    double rivalBuckets() {
        return rivalOffset;
    }

    /** @return rows averaged per bucket; 1 when every row of the season is kept, 0 until the lag is known */
    int rowsPerBucket() {
        return bucketRows;
    }

    /**
     * @param timestampMillis the value's time
     * @param value the value
     * @return the root mean square of the seasonal differences over the last buckets, NaN while the lag is
     *         unknown, less than a season has been seen, the row does not complete a bucket, or the channel
     *         is disabled (a season of fewer than 2 rows)
     */
    double update(long timestampMillis, double value) {
        if (ring == null) {
            firstTimes[timesSeen++] = timestampMillis;
            if (timesSeen < SPACING_ROWS) {
                return Double.NaN;
            }
            startSeason(medianSpacing());
            firstTimes = null;
        }
        if (ring.length == 0) {
            return Double.NaN;
        }
        bucketSum += value;
        if (++rowsInBucket < bucketRows) {
            return Double.NaN;
        }
        // with one row per bucket this is the value itself, so seasons of <= BUCKETS rows are unchanged
        double mean = bucketSum / rowsInBucket;
        bucketSum = 0;
        rowsInBucket = 0;
        int slot = (int) (count % ring.length);
        if (Double.isNaN(base)) {
            base = mean;
        }
        double previous = ring[slot] + base;
        ring[slot] = (float) (mean - base);
        count++;
        if (count <= ring.length) {
            return Double.NaN;
        }
        double d = mean - previous;
        lastDifference = d;
        lastRivalDifference = rival(mean);
        int s = (int) (squareCount % squares.length);
        squareSum += d * d - squares[s];
        squares[s] = d * d;
        squareCount++;
        return Math.sqrt(Math.max(0, squareSum) / Math.min(squareCount, squares.length));
    }

    /** The current bucket's mean minus the (interpolated) bucket one rival season earlier; NaN without one. */
    private double rival(double mean) {
        if (rivalOffset < 1) {
            return Double.NaN;
        }
        long current = count - 1;
        int whole = (int) rivalOffset;
        double part = rivalOffset - whole;
        double near = ring[(int) ((current - whole) % ring.length)];
        double far = ring[(int) ((current - whole - 1) % ring.length)];
        return mean - base - ((1 - part) * near + part * far);
    }

    private long medianSpacing() {
        long[] diffs = new long[SPACING_ROWS - 1];
        for (int i = 1; i < SPACING_ROWS; i++) {
            diffs[i - 1] = firstTimes[i] - firstTimes[i - 1];
        }
        Arrays.sort(diffs);
        return diffs[diffs.length / 2];
    }

    /** Sizes the ring: one value per row, or per bucket of rows when a season has more than maxBuckets rows. */
    private void startSeason(long spacing) {
        long lagRows = spacing > 0 ? Math.round((double) lagMillis / spacing) : 0;
        if (lagRows < 2) {
            ring = new float[0];
            return;
        }
        bucketRows = (int) Math.min(Integer.MAX_VALUE, (lagRows + maxBuckets - 1) / maxBuckets);
        // the bucket one season back is buckets * bucketRows rows earlier, within bucketRows / 2 of the lag
        int buckets = (int) Math.max(2, Math.round((double) lagRows / bucketRows));
        ring = new float[buckets];
        double offset = (double) buckets * rivalMillis / lagMillis;
        // interpolation reads the bucket after the offset too: it must lie within the last season
        rivalOffset = offset >= 1 && offset + 1 < buckets ? offset : 0;
    }
}
