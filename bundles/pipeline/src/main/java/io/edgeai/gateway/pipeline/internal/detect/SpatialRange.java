package io.edgeai.gateway.pipeline.internal.detect;

/**
 * Flags a value that leaves the range seen so far by more than a fraction of that range (the
 * "spatial anomaly" rule of Numenta's NAB detector, tolerance 0.05 there). Catches level shifts
 * and spikes the autoencoder only sees after its error history adapts.
 */
final class SpatialRange {
    private final double tolerance;
    private boolean empty = true;
    private double min;
    private double max;

    /** @param tolerance fraction of the range a value must exceed it by; negative disables the rule */
    SpatialRange(double tolerance) {
        this.tolerance = tolerance;
    }

    /**
     * Checks the value against the range of the earlier values, then widens the range.
     *
     * @param value the next value
     * @return true when it lies outside the earlier range by more than {@code tolerance * range}
     */
    boolean outside(double value) {
        if (empty) {
            min = value;
            max = value;
            empty = false;
            return false;
        }
        double slack = tolerance * (max - min);
        boolean out = tolerance >= 0 && max > min && (value > max + slack || value < min - slack);
        min = Math.min(min, value);
        max = Math.max(max, value);
        return out;
    }
}
