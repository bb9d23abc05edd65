package io.edgeai.gateway.pipeline.internal.detect;

/**
 * What a second (shadow) model needs to remember of one series besides the live state: the history of its
 * own reconstruction errors and
 * its own refractory envelope. Not thread-safe.
 */
public final class CandidateState {
    final AnomalyLikelihood likelihood;
    final Refractory refractory;

    CandidateState(ScorerSettings settings) {
        likelihood = new AnomalyLikelihood(settings);
        refractory = new Refractory(
                settings.refractoryRows(),
                settings.refractoryHoldRows(),
                settings.refractoryHoldFactor(),
                settings.refractoryWindowHoldRows());
    }
}
