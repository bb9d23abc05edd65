package io.edgeai.gateway.pipeline.internal.detect;

/**
 * What a second (shadow) model needs to remember of one series besides the live state: the history of its
 * own reconstruction errors. Not thread-safe.
 */
public final class CandidateState {
    final AnomalyLikelihood likelihood;

    CandidateState(ScorerSettings settings) {
        likelihood = new AnomalyLikelihood(settings);
    }
}
