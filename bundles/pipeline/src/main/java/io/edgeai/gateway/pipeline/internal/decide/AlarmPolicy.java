package io.edgeai.gateway.pipeline.internal.decide;

/**
 * When an alarm rises and when it clears: a score at or above {@code threshold} for {@code raiseCount}
 * consecutive readings raises it; a score below {@code clearThreshold} for {@code clearCount}
 * consecutive readings clears it. {@code clearThreshold <= threshold} gives the hysteresis band.
 *
 * @param threshold score that counts towards raising
 * @param clearThreshold score below which a reading counts towards clearing
 * @param raiseCount consecutive high readings needed to raise
 * @param clearCount consecutive low readings needed to clear
 */
public record AlarmPolicy(double threshold, double clearThreshold, int raiseCount, int clearCount) {
    /** Validates the band. */
    public AlarmPolicy {
        if (!(threshold >= 0 && threshold <= 1) || !(clearThreshold >= 0 && clearThreshold <= threshold)) {
            throw new IllegalArgumentException(
                    "need 0 <= clearThreshold <= threshold <= 1, got " + clearThreshold + " and " + threshold);
        }
        if (raiseCount < 1 || clearCount < 1) {
            throw new IllegalArgumentException("raiseCount and clearCount must be >= 1");
        }
    }
}
