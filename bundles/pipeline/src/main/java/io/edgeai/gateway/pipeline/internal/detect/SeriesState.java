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
    final SeasonalDifference season;
    final AnomalyLikelihood seasonLikelihood;
    long rows;
    /** Whether the newest value was outside the range seen before it. */
    boolean lastOutside;
    /** The seasonal part of the newest value's score. */
    double lastSeasonal;

    SeriesState(ScorerSettings settings) {
        window = new SlidingWindow(settings.windowSize());
        normaliser = new RunningNormaliser(settings.stdFloor());
        range = new SpatialRange(settings.spatialTolerance());
        likelihood = new AnomalyLikelihood(settings);
        input = new float[settings.windowSize()];
        boolean seasonal = settings.seasonMillis() > 0;
        season = seasonal ? new SeasonalDifference(settings.seasonMillis(), settings.seasonAverageRows(), 20_000) : null;
        seasonLikelihood = seasonal ? new AnomalyLikelihood(settings) : null;
    }

    /** @return values scored so far */
    public long rows() {
        return rows;
    }
}
