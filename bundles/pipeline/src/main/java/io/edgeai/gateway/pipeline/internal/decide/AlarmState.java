package io.edgeai.gateway.pipeline.internal.decide;

/** Edge-triggered alarm state of one series under an {@link AlarmPolicy}. Single-threaded use. */
public final class AlarmState {
    private boolean active;
    private int run;

    /** @return whether the series is in alarm */
    public boolean active() {
        return active;
    }

    /**
     * Feeds one score.
     *
     * @param score the reading's anomaly score
     * @param policy thresholds and counts in force now
     * @return the edge this score caused, if any
     */
    public AlarmEvent update(double score, AlarmPolicy policy) {
        if (!active) {
            run = score >= policy.threshold() ? run + 1 : 0;
            if (run >= policy.raiseCount()) {
                active = true;
                run = 0;
                return AlarmEvent.ALARM;
            }
        } else {
            run = score < policy.clearThreshold() ? run + 1 : 0;
            if (run >= policy.clearCount()) {
                active = false;
                run = 0;
                return AlarmEvent.NORMAL;
            }
        }
        return AlarmEvent.NONE;
    }
}
