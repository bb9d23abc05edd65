package io.edgeai.gateway.pipeline.internal.detect;

/**
 * Test oracle: the exact {@link AnomalyLikelihood} as it was before block aggregates (every one of the
 * {@code historyRows} averages kept, an exact running maximum). Tests compare the shipped aggregate version
 * with it.
 *
 * <p>Numenta-style anomaly likelihood on a stream of raw errors. A short moving average of the
 * errors is compared with the distribution (mean, deviation) of that average over a long history;
 * the Gaussian tail probability is turned into a 0..1 score by {@code -log10(tail) / logScale}.
 * That score is then multiplied by how far the average exceeds the largest average of the history
 * ({@code 1 - previousMax / average}, 0 when it is no new maximum): a series with heavy-tailed
 * errors then alarms on what it has not seen before, not on every tail event, which lets one
 * threshold fit series of very different noise.
 */
final class ExactAnomalyLikelihood {
    private final ScorerSettings s;
    private final double[] recent;
    private final double[] history;
    /**
     * Monotonic deque (values decreasing from head) of history rows, for the running maximum. It starts
     * small and grows only as far as the deque does (a long strictly falling run); on real series it stays
     * at a few dozen entries, where a full-size one would cost 8 bytes per history row for every series.
     */
    private long[] maxRows = new long[16];

    private int maxHead;
    private int maxSize;
    private double recentSum;
    private long count;
    private double mean;
    private double std;

    /** @param settings averaging, history, learning and scale parameters */
    ExactAnomalyLikelihood(ScorerSettings settings) {
        this.s = settings;
        this.recent = new double[settings.averageRows()];
        this.history = new double[settings.historyRows()];
    }

    /** @return true while no more than {@link ScorerSettings#learningRows()} errors were seen */
    boolean learning() {
        return count <= s.learningRows();
    }

    /**
     * @param error the next raw error (finite, non-negative)
     * @return the score in 0..1; 0 while learning
     */
    double update(double error) {
        int slot = (int) (count % recent.length);
        recentSum += error - recent[slot];
        recent[slot] = error;
        double average = recentSum / Math.min(count + 1, recent.length);
        double previousMax = maxOfHistory();
        history[(int) (count % history.length)] = average;
        pushMax(count, average);
        count++;
        if (learning()) {
            return 0;
        }
        if ((count - s.learningRows() - 1) % s.reestimateRows() == 0) {
            estimate();
        }
        if (!(average > previousMax) || average <= 0) {
            return 0;
        }
        double z = (average - mean) / std;
        double likelihood = Math.min(1.0, GaussianTail.minusLog10(z) / s.logScale());
        return likelihood * (1.0 - Math.max(0, previousMax) / average);
    }

    /** @return the largest of the last {@code historyRows} averages, -infinity when none; O(1) */
    double maxOfHistory() {
        return maxSize == 0 ? Double.NEGATIVE_INFINITY : history[(int) (maxRows[maxHead] % history.length)];
    }

    /** Adds the average of row {@code row} to the running maximum and drops rows that left the history. */
    private void pushMax(long row, double average) {
        int cap = maxRows.length;
        while (maxSize > 0 && history[(int) (maxRows[(maxHead + maxSize - 1) % cap] % history.length)] <= average) {
            maxSize--;
        }
        if (maxSize > 0 && maxRows[maxHead] <= row - history.length) {
            maxHead = (maxHead + 1) % cap;
            maxSize--;
        }
        if (maxSize == cap) {
            grow();
            cap = maxRows.length;
        }
        maxRows[(maxHead + maxSize) % cap] = row;
        maxSize++;
    }

    /** Doubles the deque's ring (at most one entry per history row is ever needed), keeping its order. */
    private void grow() {
        int cap = maxRows.length;
        long[] bigger = new long[Math.max(cap + 1, Math.min(cap * 2, history.length + 1))];
        for (int i = 0; i < maxSize; i++) {
            bigger[i] = maxRows[(maxHead + i) % cap];
        }
        maxRows = bigger;
        maxHead = 0;
    }

    private void estimate() {
        int n = (int) Math.min(count, history.length);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += history[i];
        }
        mean = sum / n;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            sq += (history[i] - mean) * (history[i] - mean);
        }
        std = Math.max(Math.sqrt(sq / n), 1e-6);
    }
}
