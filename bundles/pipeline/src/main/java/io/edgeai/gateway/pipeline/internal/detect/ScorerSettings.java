package io.edgeai.gateway.pipeline.internal.detect;

import io.edgeai.gateway.api.ModelInfo;

/**
 * Parameters of {@link AnomalyScorer}. They travel with the model (descriptor properties), so a new
 * model version can bring new ones; {@link #fromModel(ModelInfo)} reads them.
 *
 * @param windowSize values per model input row ({@code window.size})
 * @param stdFloor relative floor of the normaliser's deviation ({@code normaliser.std.floor})
 * @param clip bound of the z-scored inputs ({@code normaliser.clip})
 * @param errorTail newest window positions the error averages over ({@code error.tail}, 1..windowSize)
 * @param learningRows errors seen before scores are produced ({@code likelihood.learning.rows})
 * @param historyRows length of the error history ({@code likelihood.history.rows})
 * @param averageRows short moving average of errors ({@code likelihood.average.rows})
 * @param reestimateRows rows between re-estimates of the history's distribution ({@code likelihood.reestimate.rows})
 * @param logScale divisor of {@code -log10(tail probability)} ({@code likelihood.log.scale})
 * @param spatialTolerance range-break tolerance, negative to disable ({@code spatial.tolerance})
 * @param threshold alarm threshold on the score ({@code threshold})
 * @param clearThreshold back-to-normal threshold, at most {@code threshold} ({@code clear.threshold})
 * @param seasonMillis season of the seasonal-difference channel, from {@code season.hours}; 0 disables the channel
 * @param seasonAverageRows squared seasonal differences averaged ({@code season.average.rows})
 * @param seasonWeight the seasonal channel's likelihood is multiplied by this ({@code season.weight}, 0..1)
 * @param weekMillis season of the second (weekly) seasonal channel, from {@code week.hours}; 0 disables it
 * @param weekWeight the weekly channel's likelihood is multiplied by this ({@code week.weight}, 0..1)
 * @param medianRows values in the running median whose range breaks score ({@code median.rows}); 0 disables
 * @param medianWeight score of a median range break or new level ({@code median.weight}, 0..1)
 * @param medianLearningRows rows whose medians only build the range, before a break scores
 *        ({@code median.learning.rows}): a range seen for less than a day breaks at the first trough
 * @param medianBins bins of the histogram of the levels the median visited ({@code median.bins}); 0: range
 *        break only
 * @param medianNeighbours bins either side of a new median's bin that must be unvisited too
 *        ({@code median.neighbours})
 * @param refractoryRows half-life in rows of the envelope a score must exceed to count again
 *        ({@code refractory.halflife.rows}); 0 disables
 * @param refractoryHoldRows rows after a score that passed during which the envelope does not decay and a
 *        score must exceed it {@code refractoryHoldFactor} times to pass ({@code refractory.hold.rows}); 0: no hold
 * @param refractoryHoldFactor how many times the held envelope a score must exceed during the hold
 *        ({@code refractory.hold.factor}, at least 1)
 * @param weekGateRatio the weekly channel scores only while its recent squared prediction error is below this
 *        many times the daily prediction's ({@code week.gate.ratio}, {@link SeasonGate}); 0: always scores
 * @param weekGateSeasons half-life, in weeks, of the gate's averages of squared errors, and the weeks of
 *        comparisons it needs before it opens ({@code week.gate.seasons}, &gt; 0)
 * @param refractoryWindowHoldRows rows the envelope is held after a score of the autoencoder window's likelihood
 *        passes ({@code refractory.hold.window.rows}; a descriptor without it: {@code refractory.hold.rows}):
 *        an event stays in the window, and its error keeps setting records, for a window's length of rows
 */
public record ScorerSettings(
        int windowSize,
        double stdFloor,
        double clip,
        int errorTail,
        int learningRows,
        int historyRows,
        int averageRows,
        int reestimateRows,
        double logScale,
        double spatialTolerance,
        double threshold,
        double clearThreshold,
        long seasonMillis,
        int seasonAverageRows,
        double seasonWeight,
        long weekMillis,
        double weekWeight,
        int medianRows,
        double medianWeight,
        int medianLearningRows,
        int medianBins,
        int medianNeighbours,
        double refractoryRows,
        int refractoryHoldRows,
        double refractoryHoldFactor,
        double weekGateRatio,
        double weekGateSeasons,
        int refractoryWindowHoldRows) {

    /** Settings of the model version 1.0.0 descriptor, used when a property is missing (every later channel off). */
    public static final ScorerSettings DEFAULTS =
            new ScorerSettings(64, 1e-3, 20, 64, 150, 8640, 1, 100, 30, 0.02, 0.009289246759792591, 0.001, 0, 1, 1);

    /** Validates the ranges. */
    public ScorerSettings {
        require(windowSize >= 1, "window.size must be >= 1");
        require(stdFloor > 0, "normaliser.std.floor must be > 0");
        require(clip > 0, "normaliser.clip must be > 0");
        require(errorTail >= 1 && errorTail <= windowSize, "error.tail must be in 1..window.size");
        require(learningRows >= 1, "likelihood.learning.rows must be >= 1");
        require(historyRows >= 1, "likelihood.history.rows must be >= 1");
        require(averageRows >= 1, "likelihood.average.rows must be >= 1");
        require(reestimateRows >= 1, "likelihood.reestimate.rows must be >= 1");
        require(logScale > 0, "likelihood.log.scale must be > 0");
        require(clearThreshold <= threshold, "clear.threshold must not exceed threshold");
        require(seasonMillis >= 0, "season.hours must be >= 0");
        require(seasonAverageRows >= 1, "season.average.rows must be >= 1");
        require(seasonWeight >= 0 && seasonWeight <= 1, "season.weight must be in 0..1");
        require(weekMillis >= 0, "week.hours must be >= 0");
        require(weekWeight >= 0 && weekWeight <= 1, "week.weight must be in 0..1");
        require(
                medianRows >= 0 && medianRows <= 15 && (medianRows == 0 || medianRows % 2 == 1),
                "median.rows must be 0 (off) or odd in 1..15");
        require(medianWeight >= 0 && medianWeight <= 1, "median.weight must be in 0..1");
        require(medianLearningRows >= 0, "median.learning.rows must be >= 0");
        require(medianBins >= 0 && medianBins <= 1024, "median.bins must be in 0..1024");
        require(
                medianNeighbours >= 0 && (medianBins == 0 || medianNeighbours < medianBins),
                "median.neighbours must be >= 0 and below median.bins");
        require(refractoryRows >= 0, "refractory.halflife.rows must be >= 0");
        require(refractoryHoldRows >= 0, "refractory.hold.rows must be >= 0");
        require(refractoryHoldFactor >= 1, "refractory.hold.factor must be >= 1");
        require(weekGateRatio >= 0, "week.gate.ratio must be >= 0");
        require(weekGateSeasons > 0, "week.gate.seasons must be > 0");
        require(refractoryWindowHoldRows >= 0, "refractory.hold.window.rows must be >= 0");
    }

    /** Settings of a 1.3.0-style detector: the window's likelihood holds the envelope as long as the other channels. */
    public ScorerSettings(
            int windowSize,
            double stdFloor,
            double clip,
            int errorTail,
            int learningRows,
            int historyRows,
            int averageRows,
            int reestimateRows,
            double logScale,
            double spatialTolerance,
            double threshold,
            double clearThreshold,
            long seasonMillis,
            int seasonAverageRows,
            double seasonWeight,
            long weekMillis,
            double weekWeight,
            int medianRows,
            double medianWeight,
            int medianLearningRows,
            int medianBins,
            int medianNeighbours,
            double refractoryRows,
            int refractoryHoldRows,
            double refractoryHoldFactor,
            double weekGateRatio,
            double weekGateSeasons) {
        this(
                windowSize,
                stdFloor,
                clip,
                errorTail,
                learningRows,
                historyRows,
                averageRows,
                reestimateRows,
                logScale,
                spatialTolerance,
                threshold,
                clearThreshold,
                seasonMillis,
                seasonAverageRows,
                seasonWeight,
                weekMillis,
                weekWeight,
                medianRows,
                medianWeight,
                medianLearningRows,
                medianBins,
                medianNeighbours,
                refractoryRows,
                refractoryHoldRows,
                refractoryHoldFactor,
                weekGateRatio,
                weekGateSeasons,
                refractoryHoldRows);
    }

    /** Settings of a 1.1.0-style detector: the weekly, median and refractory channels and the hold off. */
    public ScorerSettings(
            int windowSize,
            double stdFloor,
            double clip,
            int errorTail,
            int learningRows,
            int historyRows,
            int averageRows,
            int reestimateRows,
            double logScale,
            double spatialTolerance,
            double threshold,
            double clearThreshold,
            long seasonMillis,
            int seasonAverageRows,
            double seasonWeight) {
        this(
                windowSize,
                stdFloor,
                clip,
                errorTail,
                learningRows,
                historyRows,
                averageRows,
                reestimateRows,
                logScale,
                spatialTolerance,
                threshold,
                clearThreshold,
                seasonMillis,
                seasonAverageRows,
                seasonWeight,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                1,
                0,
                1);
    }

    /**
     * @param info the model whose descriptor properties carry the parameters
     * @return settings from the properties, {@link #DEFAULTS} for missing ones
     * @throws IllegalArgumentException when a property is malformed or out of range
     */
    public static ScorerSettings fromModel(ModelInfo info) {
        ScorerSettings d = DEFAULTS;
        int window = info.intProperty("window.size", d.windowSize());
        int hold = info.intProperty("refractory.hold.rows", d.refractoryHoldRows());
        return new ScorerSettings(
                window,
                info.doubleProperty("normaliser.std.floor", d.stdFloor()),
                info.doubleProperty("normaliser.clip", d.clip()),
                info.intProperty("error.tail", Math.min(window, d.errorTail())),
                info.intProperty("likelihood.learning.rows", d.learningRows()),
                info.intProperty("likelihood.history.rows", d.historyRows()),
                info.intProperty("likelihood.average.rows", d.averageRows()),
                info.intProperty("likelihood.reestimate.rows", d.reestimateRows()),
                info.doubleProperty("likelihood.log.scale", d.logScale()),
                info.doubleProperty("spatial.tolerance", d.spatialTolerance()),
                info.doubleProperty("threshold", d.threshold()),
                info.doubleProperty("clear.threshold", d.clearThreshold()),
                Math.round(info.doubleProperty("season.hours", d.seasonMillis() / 3.6e6) * 3.6e6),
                info.intProperty("season.average.rows", d.seasonAverageRows()),
                info.doubleProperty("season.weight", d.seasonWeight()),
                Math.round(info.doubleProperty("week.hours", d.weekMillis() / 3.6e6) * 3.6e6),
                info.doubleProperty("week.weight", d.weekWeight()),
                info.intProperty("median.rows", d.medianRows()),
                info.doubleProperty("median.weight", d.medianWeight()),
                info.intProperty("median.learning.rows", d.medianLearningRows()),
                info.intProperty("median.bins", d.medianBins()),
                info.intProperty("median.neighbours", d.medianNeighbours()),
                info.doubleProperty("refractory.halflife.rows", d.refractoryRows()),
                hold,
                info.doubleProperty("refractory.hold.factor", d.refractoryHoldFactor()),
                info.doubleProperty("week.gate.ratio", d.weekGateRatio()),
                info.doubleProperty("week.gate.seasons", d.weekGateSeasons()),
                info.intProperty("refractory.hold.window.rows", hold));
    }

    /** @return rows of a new series that score 0 with {@code warmingUp} set */
    public int warmupRows() {
        return windowSize - 1 + learningRows;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
