package io.edgeai.gateway.pipeline.internal.detect;

/**
 * One seasonal channel: how far the series departs from itself one season earlier
 * ({@link SeasonalDifference}), turned into a score by its own {@link AnomalyLikelihood} and weighted.
 * A daily channel sees a day that loses its shape; a weekly one sees a holiday that looks like a
 * Sunday, which the daily one cannot tell from an ordinary weekend.
 */
final class SeasonalChannel {
    /** Longest season in rows a channel keeps (a week at 5-minute spacing is 2,016). */
    static final int MAX_LAG_ROWS = 20_000;

    private final SeasonalDifference difference;
    private final AnomalyLikelihood likelihood;
    private final double weight;
    /** Null for an ungated channel; else the channel scores only while its season out-predicts the rival. */
    private final SeasonGate gate;

    /**
     * @param settings likelihood parameters (shared with the window channel)
     * @param seasonMillis the season
     * @param averageRows rows in the root mean square of the differences
     * @param weight multiplier of the likelihood (0..1)
     */
    SeasonalChannel(ScorerSettings settings, long seasonMillis, int averageRows, double weight) {
        this(settings, seasonMillis, averageRows, weight, 0, 0, 1);
    }

    /**
     * @param settings likelihood parameters (shared with the window channel)
     * @param seasonMillis the season
     * @param averageRows rows in the root mean square of the differences
     * @param weight multiplier of the likelihood (0..1)
     * @param rivalMillis a shorter season this one must out-predict to score ({@link SeasonGate}); 0: no gate
     * @param gateRatio the gate's ratio (&gt; 0 when {@code rivalMillis} is)
     * @param gateSeasons the gate's half-life and least evidence, in seasons (&gt; 0)
     */
    SeasonalChannel(
            ScorerSettings settings,
            long seasonMillis,
            int averageRows,
            double weight,
            long rivalMillis,
            double gateRatio,
            double gateSeasons) {
        this.difference = new SeasonalDifference(seasonMillis, averageRows, MAX_LAG_ROWS, rivalMillis);
        this.likelihood = new AnomalyLikelihood(settings);
        this.weight = weight;
        this.gate = rivalMillis > 0 ? new SeasonGate(gateRatio, gateSeasons) : null;
    }

    /**
     * @param timestampMillis the value's time
     * @param value the value
     * @return the weighted score, 0 until a full season of differences has been learned
     */
    double update(long timestampMillis, double value) {
        double error = difference.update(timestampMillis, value);
        if (Double.isNaN(error)) {
            return 0;
        }
        double l = likelihood.update(error);
        if (gate != null && shut(gate)) {
            return 0;
        }
        return likelihood.learning() || !difference.seasonLearned() ? 0 : weight * l;
    }

    /** Feeds the gate the newest pair of predictions; true when the gate keeps the channel shut. */
    private boolean shut(SeasonGate g) {
        double rival = difference.lastRivalDifference();
        if (Double.isNaN(rival)) {
            return true;
        }
        g.season(difference.buckets());
        g.add(difference.lastDifference(), rival);
        return !g.open();
    }
}
