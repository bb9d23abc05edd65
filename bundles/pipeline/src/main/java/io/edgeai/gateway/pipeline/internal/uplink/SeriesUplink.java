package io.edgeai.gateway.pipeline.internal.uplink;

/**
 * What the uplink keeps per series: the open period's summary (count, min, max, sum, last value, highest score,
 * time in alarm), the raw readings kept for the next evidence window, and the window being filled after an alarm.
 * About 90 bytes plus 16 bytes per value kept before an alarm (docs/benchmarks.md, "Uplink state per series").
 * Worker thread only.
 */
public final class SeriesUplink {
    /** {@code <device>/<quantity>}, as in the series' result topics. */
    final String name;

    int count;
    double min;
    double max;
    double sum;
    double last;
    double maxScore;
    /** Time in alarm during the open period, up to {@link #onSince}. */
    long alarmMillis;
    /** Gateway time since which the alarm is on within the open period; -1 when it is off. */
    long onSince = -1;
    /** Whether it is in its uplink's list of series of the open period. */
    boolean listed;
    /** Whether its series was dropped (evicted, or its topic moved to another gateway). */
    boolean gone;

    /** The last readings, for the next evidence window; null when none are sent before an alarm. */
    final EvidenceRing before;
    /** The evidence window being filled after an alarm; null when none is. */
    Evidence pending;

    /**
     * @param name {@code <device>/<quantity>}
     * @param evidenceBefore readings kept for the evidence window
     */
    SeriesUplink(String name, int evidenceBefore) {
        this.name = name;
        this.before = evidenceBefore > 0 ? new EvidenceRing(evidenceBefore) : null;
    }

    /** Marks the series dropped: it leaves the summaries at the next period's end. */
    public void gone() {
        gone = true;
    }

    /**
     * @param evidenceBefore readings the policy keeps before an alarm
     * @return whether this state keeps that many (else a new one replaces it)
     */
    boolean fits(int evidenceBefore) {
        return before == null ? evidenceBefore == 0 : before.capacity() == evidenceBefore;
    }

    /** Adds a reading to the open period. */
    void summarise(double value, double score) {
        if (count == 0) {
            min = value;
            max = value;
            sum = 0;
            maxScore = score;
        } else {
            min = Math.min(min, value);
            max = Math.max(max, value);
            maxScore = Math.max(maxScore, score);
        }
        count++;
        sum += value;
        last = value;
    }

    /** Starts the next period: clears the figures; a running alarm counts on from the period's start. */
    void nextPeriod(long periodStart) {
        count = 0;
        maxScore = 0;
        alarmMillis = 0;
        if (onSince >= 0) {
            onSince = periodStart;
        }
    }

    /** @return the device part of the name */
    String device() {
        return name.substring(0, name.indexOf('/'));
    }

    /** @return the quantity part of the name */
    String quantity() {
        return name.substring(name.indexOf('/') + 1);
    }
}
