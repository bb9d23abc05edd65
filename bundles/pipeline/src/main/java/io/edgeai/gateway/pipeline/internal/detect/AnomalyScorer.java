package io.edgeai.gateway.pipeline.internal.detect;

import java.util.Objects;

import io.edgeai.gateway.api.ModelRunner;

/**
 * Scores each value of a series, causally: the score of a value depends on it and earlier values
 * only. Channels, each a small piece of state, and the row's score is the largest of them:
 * <ul>
 * <li>a value outside the range seen so far ({@link SpatialRange}) scores 1;</li>
 * <li>the window of the newest values, z-scored with the series' running statistics, is
 * reconstructed by the autoencoder; the reconstruction error feeds {@link AnomalyLikelihood};</li>
 * <li>daily and weekly {@link SeasonalChannel}s: departures from the same time a season earlier;</li>
 * <li>{@link MedianLevels}: the running median leaves every level it has had or settles on one nothing
 * came near before, which a spike in the raw range would otherwise hide.</li>
 * </ul>
 * A {@link Refractory} envelope then keeps one event's echoes in the next rows from scoring again.
 * One scorer per pipeline; it holds settings only, the model is passed per call so a hot-swapped
 * model takes over at once.
 */
public final class AnomalyScorer {
    private final ScorerSettings settings;

    /** @param settings window, normalisation and likelihood parameters */
    public AnomalyScorer(ScorerSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** @return the settings this scorer uses */
    public ScorerSettings settings() {
        return settings;
    }

    /** @return fresh state for a new series */
    public SeriesState newSeries() {
        return new SeriesState(settings);
    }

    /**
     * Scores the next value of a series.
     *
     * @param state the series' state, updated
     * @param model the model to run (its input row size must equal the window size)
     * @param timestampMillis the value's time (kept for future time-aware scoring; rows are assumed in order)
     * @param value the value, finite
     * @return the score; 0 and {@code warmingUp} during the first {@link ScorerSettings#warmupRows()} values
     * @throws io.edgeai.gateway.api.InferenceException when the model fails
     * @throws IllegalArgumentException when the value is not finite
     */
    public Score score(SeriesState state, ModelRunner model, long timestampMillis, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value must be finite: " + value);
        }
        state.rows++;
        state.window.add(value);
        double context = 0;
        if (state.daily != null) {
            context = state.daily.update(timestampMillis, value);
        }
        if (state.weekly != null) {
            context = Math.max(context, state.weekly.update(timestampMillis, value));
        }
        if (state.median != null && state.median.update(value) && state.rows > settings.medianLearningRows()) {
            context = Math.max(context, settings.medianWeight());
        }
        state.normaliser.add(value);
        boolean outside = state.range.outside(value);
        state.lastOutside = outside;
        state.lastContext = context;
        if (!state.window.isFull()) {
            return new Score(0, true, Double.NaN);
        }
        state.window.normalisedInto(state.input, state.normaliser.mean(), state.normaliser.std(), settings.clip());
        float[] reconstruction = model.run(state.input);
        double error = tailError(state.input, reconstruction);
        double likelihood = state.likelihood.update(error);
        if (state.likelihood.learning()) {
            return new Score(0, true, error);
        }
        double raw = outside ? 1.0 : Math.max(likelihood, context);
        return new Score(state.refractory.filter(raw, !outside && likelihood >= context), false, error);
    }

    /** @return fresh model-specific state for scoring a series with a second model alongside */
    public CandidateState newCandidateState() {
        return new CandidateState(settings);
    }

    /**
     * Scores the value {@link #score} just scored for {@code live} once more, with another model: the same
     * normalised window goes through {@code model}, and its error feeds the candidate's own likelihood;
     * range and seasonal parts are the live ones (they do not depend on the model). This scorer's settings
     * must be the candidate model's; its window size must equal the live one's.
     *
     * @param live the series' live state, after {@link #score} for the value
     * @param candidate the candidate's state of this series, updated
     * @param model the candidate model
     * @return the candidate's score; {@code warmingUp} while the window or its likelihood is not ready
     * @throws io.edgeai.gateway.api.InferenceException when the model fails
     */
    public Score rescore(SeriesState live, CandidateState candidate, ModelRunner model) {
        if (!live.window.isFull()) {
            return new Score(0, true, Double.NaN);
        }
        float[] reconstruction = model.run(live.input);
        double error = tailError(live.input, reconstruction);
        double likelihood = candidate.likelihood.update(error);
        if (candidate.likelihood.learning()) {
            return new Score(0, true, error);
        }
        double raw = live.lastOutside ? 1.0 : Math.max(likelihood, live.lastContext);
        return new Score(
                candidate.refractory.filter(raw, !live.lastOutside && likelihood >= live.lastContext), false, error);
    }

    /** Mean squared error over the newest {@code errorTail} positions. */
    private double tailError(float[] input, float[] reconstruction) {
        if (reconstruction.length != input.length) {
            throw new io.edgeai.gateway.api.InferenceException(
                    "model output has " + reconstruction.length + " values, expected " + input.length);
        }
        double sum = 0;
        for (int i = input.length - settings.errorTail(); i < input.length; i++) {
            double d = reconstruction[i] - input[i];
            sum += d * d;
        }
        return sum / settings.errorTail();
    }
}
