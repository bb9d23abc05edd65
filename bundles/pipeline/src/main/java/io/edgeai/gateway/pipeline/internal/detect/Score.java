package io.edgeai.gateway.pipeline.internal.detect;

/**
 * The anomaly score of one value.
 *
 * @param score anomaly score in 0..1; compare with {@link ScorerSettings#threshold()}
 * @param warmingUp true while the series is still learning (score is then 0)
 * @param rawError the autoencoder's reconstruction error of the newest values (NaN before the first full window)
 */
public record Score(double score, boolean warmingUp, double rawError) {}
