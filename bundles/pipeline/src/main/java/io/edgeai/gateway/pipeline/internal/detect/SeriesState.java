package io.edgeai.gateway.pipeline.internal.detect;

/**
 * Everything the scorer remembers about one series: its window, normaliser, range and error
 * history. Not thread-safe: one series is scored by one thread at a time.
 */
public final class SeriesState {
    final SlidingWindow window;
    final RunningNormaliser normaliser;
    final SpatialRange range;
    final AnomalyLikelihood likelihood;
    final float[] input;
    final SeasonalChannel daily;
    final SeasonalChannel weekly;
    final MedianLevels median;
    final Refractory refractory;
    long rows;
    /** Whether the newest value was outside the range seen before it. */
    boolean lastOutside;
    /** The model-independent part (seasons, median range) of the newest value's score. */
    double lastContext;

    SeriesState(ScorerSettings settings) {
        window = new SlidingWindow(settings.windowSize());
        normaliser = new RunningNormaliser(settings.stdFloor());
        range = new SpatialRange(settings.spatialTolerance());
        likelihood = new AnomalyLikelihood(settings);
        input = new float[settings.windowSize()];
        daily = settings.seasonMillis() > 0
                ? new SeasonalChannel(
                        settings, settings.seasonMillis(), settings.seasonAverageRows(), settings.seasonWeight())
                : null;
        // the week must out-predict the day to score (when both exist and the gate is on)
        long rival = settings.weekGateRatio() > 0
                        && settings.seasonMillis() > 0
                        && settings.seasonMillis() < settings.weekMillis()
                ? settings.seasonMillis()
                : 0;
        weekly = settings.weekMillis() > 0
                ? new SeasonalChannel(
                        settings,
                        settings.weekMillis(),
                        settings.seasonAverageRows(),
                        settings.weekWeight(),
                        rival,
                        settings.weekGateRatio(),
                        settings.weekGateSeasons())
                : null;
        median = settings.medianRows() > 0
                ? new MedianLevels(
                        settings.medianRows(),
                        settings.spatialTolerance(),
                        settings.medianBins(),
                        settings.medianNeighbours())
                : null;
        refractory = new Refractory(
                settings.refractoryRows(),
                settings.refractoryHoldRows(),
                settings.refractoryHoldFactor(),
                settings.refractoryWindowHoldRows());
    }

    /** @return values scored so far */
    public long rows() {
        return rows;
    }
}
