package io.edgeai.gateway.pipeline.internal.detect;

/**
 * Decides, per series and causally, whether a longer season (a week) is worth scoring: it is when the
 * longer season has predicted the series better than a shorter one (a day) lately. Both predictions are
 * taken at the same granularity (the longer channel's bucket means, see {@link SeasonalDifference}), and
 * their squared errors are averaged with an exponential decay whose half-life is {@code seasons} seasons of
 * pairs. The gate opens only after that many seasons of pairs and when the longer season's mean squared
 * error is below {@code ratio} times the shorter one's. A series with a weekly rhythm ({@code nyc_taxi}:
 * weekends) keeps it open; on a series without one the two errors are about equal and the gate is shut
 * whenever the week has lately been the worse guess, so fewer of the weekly channel's false positives
 * count there (it is not a sharp test for "no weekly rhythm"). Seven numbers of state.
 */
final class SeasonGate {
    private final double ratio;
    private final double seasons;
    private double decay = 1;
    private long minPairs = Long.MAX_VALUE;
    private double ownSquares;
    private double rivalSquares;
    private long pairs;

    /**
     * @param ratio the longer season's error must stay below this many times the shorter one's (&gt; 0)
     * @param seasons half-life of the averages and least evidence, in seasons of pairs (&gt; 0)
     */
    SeasonGate(double ratio, double seasons) {
        if (!(ratio > 0) || !(seasons > 0)) {
            throw new IllegalArgumentException("ratio and seasons must be > 0: " + ratio + ", " + seasons);
        }
        this.ratio = ratio;
        this.seasons = seasons;
    }

    /**
     * Sets the averaging once the season's length in pairs is known.
     *
     * @param seasonPairs pairs per season, at least 1
     */
    void season(int seasonPairs) {
        if (minPairs != Long.MAX_VALUE) {
            return;
        }
        double halfLife = Math.max(1, seasons * seasonPairs);
        decay = Math.pow(0.5, 1.0 / halfLife);
        minPairs = (long) Math.ceil(halfLife);
    }

    /**
     * @param own the longer season's prediction error (value minus its value one long season earlier)
     * @param rival the shorter season's prediction error at the same time, same granularity
     */
    void add(double own, double rival) {
        ownSquares = decay * ownSquares + own * own;
        rivalSquares = decay * rivalSquares + rival * rival;
        pairs++;
    }

    /** @return true when enough pairs were seen and the longer season predicted better by the ratio */
    boolean open() {
        return pairs >= minPairs && ownSquares < ratio * rivalSquares;
    }
}
