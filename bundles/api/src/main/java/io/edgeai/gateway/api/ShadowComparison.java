package io.edgeai.gateway.api;

/**
 * How a shadow candidate's scores compare with the serving model's on the same live readings of one
 * pipeline. Only readings both scored outside their warm-up count. A text pipeline compares texts: the same
 * intent (out of scope included) is agreement, the two intent confidences are the scores, and there is no
 * warm-up (since 1.8); for entities (a slot head's candidate) the same entities (type and span) is agreement
 * and the score difference is the share of entities not found by both, 0 to 1.
 *
 * @param pipeline pipeline name
 * @param serving {@code name@version} of the serving model of the last compared reading
 * @param candidate {@code name@version} of the shadow candidate
 * @param compared readings scored by both
 * @param agreed readings on which both made the same anomaly decision (score at or above the threshold)
 * @param meanAbsDiff mean absolute difference of the two scores
 * @param maxAbsDiff largest absolute difference of the two scores
 * @param warmingUp readings the candidate scored while still warming up (not compared)
 * @param failed readings the candidate failed to score
 * @param skipped readings not shadow-scored because the candidate could not keep up (counted, not queued)
 */
public record ShadowComparison(
        String pipeline,
        String serving,
        String candidate,
        long compared,
        long agreed,
        double meanAbsDiff,
        double maxAbsDiff,
        long warmingUp,
        long failed,
        long skipped) {
    /** @return percentage of compared readings with the same decision, NaN when none was compared */
    public double agreementPercent() {
        return compared == 0 ? Double.NaN : 100.0 * agreed / compared;
    }
}
