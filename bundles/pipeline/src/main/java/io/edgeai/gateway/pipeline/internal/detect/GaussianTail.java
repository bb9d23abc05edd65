package io.edgeai.gateway.pipeline.internal.detect;

/** The upper tail of the standard normal distribution, in log space so far tails do not underflow. */
final class GaussianTail {
    private static final double LN_10 = Math.log(10);

    private GaussianTail() {}

    /**
     * @param z a standard score
     * @return {@code -log10(P(Z >= z))}, 0 for very negative z, growing like z^2 for large z
     */
    static double minusLog10(double z) {
        double x = z / Math.sqrt(2);
        double logTail = x >= 0 ? Math.log(0.5) + logErfc(x) : Math.log(1 - 0.5 * Math.exp(logErfc(-x)));
        return -logTail / LN_10;
    }

    /**
     * {@code ln(erfc(x))} for {@code x >= 0}, from the Chebyshev fit in Numerical Recipes
     * (fractional error of erfc below 1.2e-7 everywhere), evaluated in log space.
     */
    static double logErfc(double x) {
        double t = 1.0 / (1.0 + 0.5 * x);
        double poly = -1.26551223
                + t
                        * (1.00002368
                                + t
                                        * (0.37409196
                                                + t
                                                        * (0.09678418
                                                                + t
                                                                        * (-0.18628806
                                                                                + t
                                                                                        * (0.27886807
                                                                                                + t
                                                                                                        * (-1.13520398
                                                                                                                + t
                                                                                                                        * (1.48851587
                                                                                                                                + t
                                                                                                                                        * (-0.82215223
                                                                                                                                                + t
                                                                                                                                                        * 0.17087277))))))));
        return Math.log(t) - x * x + poly;
    }
}
