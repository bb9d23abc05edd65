package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The likelihood's scoring rules and its block-aggregated history (agreement with the exact one: see
 * {@link AnomalyLikelihoodAgreementTest}). */
class AnomalyLikelihoodTest {
    private static final ScorerSettings SETTINGS =
            new ScorerSettings(64, 1e-3, 20, 64, 100, 1000, 1, 50, 30, 0.02, 0.01, 0.001, 0, 1, 1);

    @Test
    void tailProbabilityInLogSpace() {
        assertEquals(Math.log10(2), GaussianTail.minusLog10(0), 1e-6);
        assertEquals(-Math.log10(0.0013498980), GaussianTail.minusLog10(3), 1e-5);
        assertEquals(-Math.log10(1 - 0.0013498980), GaussianTail.minusLog10(-3), 1e-6);
        double far = GaussianTail.minusLog10(40);
        assertTrue(far > 340 && Double.isFinite(far), "no underflow far in the tail: " + far);
    }

    @Test
    void zeroWhileLearningThenHighOnNewExtremeError() {
        AnomalyLikelihood l = new AnomalyLikelihood(SETTINGS);
        Random rnd = new Random(1);
        for (int i = 0; i < 100; i++) {
            assertEquals(0.0, l.update(1 + 0.1 * rnd.nextGaussian()));
            assertTrue(l.learning());
        }
        double max = 0;
        for (int i = 0; i < 400; i++) {
            max = Math.max(max, l.update(1 + 0.1 * rnd.nextGaussian()));
        }
        assertFalse(l.learning());
        assertTrue(max < 0.01, "noise alone stays low: " + max);
        double spike = l.update(5);
        assertTrue(spike > 0.5, "an error far above anything seen scores high: " + spike);
        assertEquals(0.0, l.update(5), "the same error again is no new extreme");
    }

    /**
     * The history slides by whole blocks: an extreme gates new records while it is inside the last
     * {@code historyRows} rows rounded down to a block, and no longer once it is older than {@code historyRows}
     * rounded up to a block.
     */
    @Test
    void recordGateForgetsExtremesOlderThanTheHistory() {
        AnomalyLikelihood l = new AnomalyLikelihood(SETTINGS);
        int blockRows = blockRows(SETTINGS.historyRows());
        Random rnd = new Random(2);
        for (int i = 0; i < 300; i++) {
            l.update(1 + 0.1 * rnd.nextGaussian());
        }
        assertTrue(l.update(5) > 0.5, "first extreme");
        for (int age = 1; age < SETTINGS.historyRows() + blockRows; age++) {
            l.update(1 + 0.1 * rnd.nextGaussian());
            if (age <= SETTINGS.historyRows() - blockRows) {
                assertEquals(5.0, l.maxOfHistory(), "still inside the history " + age + " rows later");
            }
        }
        assertTrue(l.maxOfHistory() < 2, "left the history: " + l.maxOfHistory());
        assertTrue(l.update(4.95) > 0, "an extreme that left the history no longer gates");
    }

    /**
     * The running maximum grows and forgets block by block: after every update it equals a scan of the rows the
     * blocks cover (the completed blocks kept plus the one being filled) on a falling run, noise and a second
     * falling run, several histories long.
     */
    @Test
    void runningMaximumMatchesAScanOfTheBlocks() {
        AnomalyLikelihood l = new AnomalyLikelihood(SETTINGS); // history of 1000 rows, average of 1 row
        int blockRows = blockRows(SETTINGS.historyRows());
        int fullBlocks = SETTINGS.historyRows() / blockRows;
        int rows = 5000;
        double[] errors = new double[rows];
        Random rnd = new Random(3);
        for (int i = 0; i < rows; i++) {
            errors[i] = i < 1500 ? 10_000 - i : i < 3000 ? rnd.nextDouble() * 100 : 5_000 - (i - 3000) * 0.5;
        }
        for (int i = 0; i < rows; i++) {
            l.update(errors[i]);
            int count = i + 1;
            int span = Math.min(count, fullBlocks * blockRows + count % blockRows);
            assertTrue(
                    count < SETTINGS.historyRows() || Math.abs(span - SETTINGS.historyRows()) < blockRows,
                    "the history spans " + span + " rows");
            double expected = Double.NEGATIVE_INFINITY;
            for (int j = count - span; j <= i; j++) {
                expected = Math.max(expected, errors[j]);
            }
            // the averages carry the running sum's rounding (1e-13 here)
            // block maxima are stored as float, rounded up
            assertEquals(expected, l.maxOfHistory(), 1e-7 * Math.abs(expected), "maximum after row " + i);
        }
    }

    /** A history no longer than the number of blocks is kept row by row: the exact computation up to the
     * float storage of the block statistics. */
    @Test
    void shortHistoryIsExact() {
        ScorerSettings shortHistory = new ScorerSettings(
                64, 1e-3, 20, 64, 20, AnomalyLikelihood.BLOCKS, 3, 7, 30, 0.02, 0.01, 0.001, 0, 1, 1);
        AnomalyLikelihood blocks = new AnomalyLikelihood(shortHistory);
        ExactAnomalyLikelihood exact = new ExactAnomalyLikelihood(shortHistory);
        double[] errors = AnomalyLikelihoodAgreementTest.synthetic("heavy-tailed", 3000);
        for (int i = 0; i < errors.length; i++) {
            assertEquals(exact.update(errors[i]), blocks.update(errors[i]), 1e-6, "row " + i);
            double m = exact.maxOfHistory();
            assertEquals(m, blocks.maxOfHistory(), 2e-7 * Math.abs(m), "row " + i);
        }
    }

    private static int blockRows(int historyRows) {
        return (historyRows + AnomalyLikelihood.BLOCKS - 1) / AnomalyLikelihood.BLOCKS;
    }
}
