package io.edgeai.gateway.pipeline.internal.detect;

/**
 * Lets a score through only when it rises above a decaying envelope of the scores let through
 * before: after an alarm, the same event's echoes in the following rows (a spike seen by the range,
 * then by the window, then by a season) are not alarms again, while a stronger event still is. The
 * envelope halves every {@code halfLifeRows} rows, so a new event of the same strength passes again
 * a few half-lives later. Optionally the envelope is held for a number of rows after each score it lets
 * through, and during that hold a score must exceed it a given number of times: an event whose score
 * still climbs over the next rows (a likelihood that grows as the error persists) then alarms once, not on
 * every row of its rise. A score from the autoencoder window's likelihood can hold the envelope for a
 * different number of rows than the other channels' scores: an event stays inside the model's window for
 * a window's length of rows, and its reconstruction error keeps setting new records while it does, so
 * those records are echoes of one event for that long (a value outside the range or a new median level
 * is a new fact when it comes, and keeps the shorter hold). Causal, three numbers of state.
 */
final class Refractory {
    private final double decay;
    private final int holdRows;
    private final double holdFactor;
    private final int windowHoldRows;
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
        this(halfLifeRows, holdRows, holdFactor, holdRows);
    }

    /**
     * @param halfLifeRows rows over which the envelope halves; 0 disables the filter
     * @param holdRows rows after a score let through during which the envelope is held, 0 for none
     * @param holdFactor during the hold a score must exceed the envelope this many times (at least 1)
     * @param windowHoldRows the hold, in rows, after a score of the window's likelihood lets through
     */
    Refractory(double halfLifeRows, int holdRows, double holdFactor, int windowHoldRows) {
        this.decay = halfLifeRows > 0 ? Math.pow(0.5, 1.0 / halfLifeRows) : 0;
        this.holdRows = halfLifeRows > 0 ? holdRows : 0;
        this.holdFactor = holdFactor;
        this.windowHoldRows = halfLifeRows > 0 ? windowHoldRows : 0;
    }

    /**
     * @param score the next row's score (0..1), from a channel other than the window's likelihood
     * @return {@code score} when it exceeds the envelope (which then takes its value), else 0
     */
    double filter(double score) {
        return filter(score, false);
    }

    /**
     * @param score the next row's score (0..1)
     * @param fromWindow whether the score is the autoencoder window's likelihood (it then holds the envelope
     *        for {@code windowHoldRows} rows when it passes)
     * @return {@code score} when it exceeds the envelope (which then takes its value), else 0
     */
    double filter(double score, boolean fromWindow) {
        double out = 0;
        if (score > (held > 0 ? envelope * holdFactor : envelope)) {
            envelope = score;
            out = score;
            held = fromWindow ? windowHoldRows : holdRows;
        }
        if (held > 0) {
            held--;
        } else {
            envelope *= decay;
        }
        return out;
    }
}
