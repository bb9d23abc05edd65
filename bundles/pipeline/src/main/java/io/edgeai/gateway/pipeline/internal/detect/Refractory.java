package io.edgeai.gateway.pipeline.internal.detect;

/**
 * Lets a score through only when it rises above a decaying envelope of the scores let through
 * before: after an alarm, the same event's echoes in the following rows (a spike seen by the range,
 * then by the window, then by a season) are not alarms again, while a stronger event still is. The
 * envelope halves every {@code halfLifeRows} rows, so a new event of the same strength passes again
 * a few half-lives later. Optionally the envelope is held for a number of rows after each score it lets
 * through, and during that hold a score must exceed it a given number of times: an event whose score
 * still climbs over the next rows (a likelihood that grows as the error persists) then alarms once, not on
 * every row of its rise. Causal, three numbers of state.
 */
final class Refractory {
    private final double decay;
    private final int holdRows;
    private final double holdFactor;
    private double envelope;
    private int held;

    /** @param halfLifeRows rows over which the envelope halves; 0 disables the filter */
    Refractory(double halfLifeRows) {
        this(halfLifeRows, 0, 1);
    }

    /**
     * @param halfLifeRows rows over which the envelope halves; 0 disables the filter
     * @param holdRows rows after a score let through during which the envelope is held, 0 for none
     * @param holdFactor during the hold a score must exceed the envelope this many times (at least 1)
     */
    Refractory(double halfLifeRows, int holdRows, double holdFactor) {
        this.decay = halfLifeRows > 0 ? Math.pow(0.5, 1.0 / halfLifeRows) : 0;
        this.holdRows = halfLifeRows > 0 ? holdRows : 0;
        this.holdFactor = holdFactor;
    }

    /**
     * @param score the next row's score (0..1)
     * @return {@code score} when it exceeds the envelope (which then takes its value), else 0
     */
    double filter(double score) {
        double out = 0;
        if (score > (held > 0 ? envelope * holdFactor : envelope)) {
            envelope = score;
            out = score;
            held = holdRows;
        }
        if (held > 0) {
            held--;
        } else {
            envelope *= decay;
        }
        return out;
    }
}
