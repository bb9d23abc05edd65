package io.edgeai.gateway.pipeline.internal.detect;

/**
 * Numenta-style anomaly likelihood on a stream of raw errors. A short moving average of the
 * errors is compared with the distribution (mean, deviation) of that average over a long history;
 * the Gaussian tail probability is turned into a 0..1 score by {@code -log10(tail) / logScale}.
 * That score is then multiplied by how far the average exceeds the largest average of the history
 * ({@code 1 - previousMax / average}, 0 when it is no new maximum): a series with heavy-tailed
 * errors then alarms on what it has not seen before, not on every tail event, which lets one
 * threshold fit series of very different noise.
 *
 * <p>The history is not kept row by row (8640 rows would cost 69 KB per channel and series) but as
 * {@value #BLOCKS} blocks of {@code ceil(historyRows / BLOCKS)} consecutive averages: per block its sum,
 * its sum of squared deviations from the block's mean and its maximum, plus the block being filled.
 * The history then slides by whole blocks: it spans {@code historyRows} rows rounded to the block
 * length (up to one block more), and is exact until the first block is dropped (the first
 * {@code historyRows} rows at least). Against the exact computation ({@code ExactAnomalyLikelihood} in
 * the tests) on synthetic and NAB series the scores stay within {@value #SCORE_TOLERANCE} of the exact
 * ones and the record decision (score above 0) agrees on at least {@value #AGREEMENT} of the rows.
 * Memory: three arrays of at most {@value #BLOCKS} doubles, about 1.7 KB whatever the history length.
 */
final class AnomalyLikelihood {
    /** Blocks the history is summarised in; a block is dropped whole when it leaves the history. */
    static final int BLOCKS = 64;
    /**
     * Largest score difference from the exact computation allowed on the test series: measured 0.0011
     * (NAB machine_temperature_system_failure, autoencoder errors), 0.0003 or less on the others.
     */
    static final double SCORE_TOLERANCE = 0.002;
    /**
     * Smallest share of rows on which the record and alarm decisions must agree with the exact computation
     * on the test series: measured 1 (no row differs) on all of them.
     */
    static final double AGREEMENT = 0.9995;

    private final ScorerSettings s;
    private final double[] recent;
    private final int blockRows;
    /** Per completed block, in a ring of the newest ones: sum, squared deviations from its mean, maximum. */
    // float: a block's statistics need no more than 7 digits, and three likelihoods per series at
    // 64 blocks each cost 2.3 KB less than in double (the 8 KB per series budget)
    private final float[] blockSum;

    private final float[] blockM2;
    private final float[] blockMax;
    private int blocksFilled;
    private int nextBlock;
    /** Maximum over the completed blocks, recomputed when one is added (every {@code blockRows} rows). */
    private double blocksMax = Double.NEGATIVE_INFINITY;
    /** The block being filled: rows, running mean and squared deviations (Welford), maximum. */
    private int partRows;

    private double partMean;
    private double partM2;
    private double partMax = Double.NEGATIVE_INFINITY;
    private double recentSum;
    private long count;
    private double mean;
    private double std;

    /** @param settings averaging, history, learning and scale parameters */
    AnomalyLikelihood(ScorerSettings settings) {
        this(settings, BLOCKS);
    }

    /**
     * @param settings averaging, history, learning and scale parameters
     * @param blocks the history is summarised in at most this many blocks (at least 1); a history of at
     *        most {@code blocks} rows is kept exactly (blocks of one row)
     */
    AnomalyLikelihood(ScorerSettings settings, int blocks) {
        if (blocks < 1) {
            throw new IllegalArgumentException("blocks must be >= 1: " + blocks);
        }
        this.s = settings;
        this.recent = new double[settings.averageRows()];
        int history = settings.historyRows();
        this.blockRows = (history + blocks - 1) / blocks;
        // whole blocks kept besides the one being filled: the history then spans between
        // full * blockRows and full * blockRows + blockRows - 1 rows, a range that contains historyRows
        int full = history / blockRows;
        this.blockSum = new float[full];
        this.blockM2 = new float[full];
        this.blockMax = new float[full];
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
        add(average);
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

    /**
     * @return the largest average of the history (the last {@code historyRows} rows, rounded to whole
     *         blocks as the class comment says), -infinity when none; O(1)
     */
    double maxOfHistory() {
        return Math.max(blocksMax, partMax);
    }

    /** Adds an average to the block being filled; a full block joins the ring, dropping the oldest. */
    private void add(double average) {
        partRows++;
        double delta = average - partMean;
        partMean += delta / partRows;
        partM2 += delta * (average - partMean);
        partMax = Math.max(partMax, average);
        if (partRows < blockRows) {
            return;
        }
        blockSum[nextBlock] = (float) (partMean * partRows);
        blockM2[nextBlock] = (float) partM2;
        blockMax[nextBlock] = roundedUp(partMax);
        nextBlock = (nextBlock + 1) % blockSum.length;
        blocksFilled = Math.min(blocksFilled + 1, blockSum.length);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < blocksFilled; i++) {
            max = Math.max(max, blockMax[i]);
        }
        blocksMax = max;
        partRows = 0;
        partMean = 0;
        partM2 = 0;
        partMax = Double.NEGATIVE_INFINITY;
    }

    /** Mean and deviation of the history, combining the blocks' moments (Chan et al.'s parallel update). */
    private void estimate() {
        long n = (long) blocksFilled * blockRows + partRows;
        double sum = partMean * partRows;
        for (int i = 0; i < blocksFilled; i++) {
            sum += blockSum[i];
        }
        mean = sum / n;
        double sq = partM2 + partRows * (partMean - mean) * (partMean - mean);
        for (int i = 0; i < blocksFilled; i++) {
            double d = blockSum[i] / blockRows - mean;
            sq += blockM2[i] + blockRows * d * d;
        }
        std = Math.max(Math.sqrt(sq / n), 1e-6);
    }

    /** The nearest float not below {@code x}: a stored maximum never drops under the true one, so a repeat of it is no record. */
    private static float roundedUp(double x) {
        float f = (float) x;
        return f < x ? Math.nextUp(f) : f;
    }
}
