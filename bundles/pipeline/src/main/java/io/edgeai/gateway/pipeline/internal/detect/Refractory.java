package io.edgeai.gateway.pipeline.internal.detect;

/**
 * Lets a score through only when it rises above a decaying envelope of the scores let through
 * before: after an alarm, the same event's echoes in the following rows (a spike seen by the range,
 * then by the window, then by a season) are not alarms again, while a stronger event still is. The
 * envelope halves every {@code halfLifeRows} rows, so a new event of the same strength passes again
 * a few half-lives later. Causal, two numbers of state.
 */
final class Refractory {
    private final double decay;
    private double envelope;

    /** @param halfLifeRows rows over which the envelope halves; 0 disables the filter */
    Refractory(double halfLifeRows) {
        this.decay = halfLifeRows > 0 ? Math.pow(0.5, 1.0 / halfLifeRows) : 0;
    }

    /**
     * @param score the next row's score (0..1)
     * @return {@code score} when it exceeds the envelope (which then takes its value), else 0
     */
    double filter(double score) {
        double out = 0;
        if (score > envelope) {
            envelope = score;
            out = score;
        }
        envelope *= decay;
        return out;
    }
}
