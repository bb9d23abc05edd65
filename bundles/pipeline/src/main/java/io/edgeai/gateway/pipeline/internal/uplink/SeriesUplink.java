package io.edgeai.gateway.pipeline.internal.uplink;

/**
 * What the uplink keeps per series: the open period's summary (count, min, max, sum, last value, highest score,
 * time in alarm), the raw readings kept for the next evidence window and for on-demand detail (one ring, as large as
 * the larger of the two), and the window being filled after an alarm. About 100 bytes plus 16 bytes per value kept
 * (docs/benchmarks.md, "Uplink state per series").
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

    /** The last readings, for the next evidence window and on-demand detail; null when neither keeps any. */
    final EvidenceRing before;
    /** The evidence window being filled after an alarm; null when none is. */
    Evidence pending;

    /**
     * @param name {@code <device>/<quantity>}
     * @param kept readings kept for the evidence window and on-demand detail ({@link UplinkSettings#kept()})
     */
    SeriesUplink(String name, int kept) {
        this.name = name;
        this.before = kept > 0 ? new EvidenceRing(kept) : null;
    }

    /** Marks the series dropped: it leaves the summaries at the next period's end. */
    public void gone() {
        gone = true;
    }

    /**
     * @param kept readings the policy keeps ({@link UplinkSettings#kept()})
     * @return whether this state keeps that many (else a new one replaces it)
     */
    boolean fits(int kept) {
        return before == null ? kept == 0 : before.capacity() == kept;
    }

    /** @return {@code <device>/<quantity>} */
    public String name() {
        return name;
    }

    /** @return whether its series was dropped */
    public boolean isGone() {
        return gone;
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
