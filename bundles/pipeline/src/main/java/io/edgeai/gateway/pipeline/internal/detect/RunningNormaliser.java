package io.edgeai.gateway.pipeline.internal.detect;

/**
 * Mean and standard deviation of every value seen so far (Welford's update), so the statistics
 * used for row i depend on rows &lt;= i only. The deviation is floored relative to the mean's
 * magnitude so a flat line does not divide by zero.
 */
final class RunningNormaliser {
    private final double relativeFloor;
    private long n;
    private double mean;
    private double m2;

    /** @param relativeFloor the deviation is at least {@code relativeFloor * max(1, |mean|)} */
    RunningNormaliser(double relativeFloor) {
        this.relativeFloor = relativeFloor;
    }

    /** @param value the next value of the series */
    void add(double value) {
        n++;
        double delta = value - mean;
        mean += delta / n;
        m2 += delta * (value - mean);
    }

    /** @return the mean of all values so far */
    double mean() {
        return mean;
    }

    /** @return the population standard deviation so far, floored (always positive) */
    double std() {
        double sd = n == 0 ? 0 : Math.sqrt(Math.max(0, m2 / n));
        return Math.max(sd, relativeFloor * Math.max(1.0, Math.abs(mean)));
    }
}
