package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class AnomalyLikelihoodTest {
    private static final ScorerSettings SETTINGS = new ScorerSettings(64, 1e-3, 20, 64, 100, 1000, 1, 50, 30, 0.02,
            0.01, 0.001, 0, 1, 1);

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

    @Test
    void recordGateForgetsExtremesOlderThanTheHistory() {
        AnomalyLikelihood l = new AnomalyLikelihood(SETTINGS);
        Random rnd = new Random(2);
        for (int i = 0; i < 300; i++) {
            l.update(1 + 0.1 * rnd.nextGaussian());
        }
        assertTrue(l.update(5) > 0.5, "first extreme");
        for (int i = 0; i < 998; i++) {
            l.update(1 + 0.1 * rnd.nextGaussian());
        }
        assertEquals(0.0, l.update(4.9), "still inside the 1000-row history: no record");
        l.update(1);
        // the 5 is now 1000 rows old (out of the history); 4.95 beats the remaining maximum 4.9
        assertTrue(l.update(4.95) > 0, "an extreme that left the history no longer gates");
    }

    /**
     * The running maximum's deque grows on demand: a falling run far longer than its initial size and than
     * the history, then noise, then a second falling run; after every update the maximum equals a scan of
     * the history's rows.
     */
    @Test
    void runningMaximumMatchesAScanOfTheHistory() {
        AnomalyLikelihood l = new AnomalyLikelihood(SETTINGS); // history of 1000 rows, average of 1 row
        int rows = 5000;
        double[] errors = new double[rows];
        Random rnd = new Random(3);
        for (int i = 0; i < rows; i++) {
            errors[i] = i < 1500 ? 10_000 - i : i < 3000 ? rnd.nextDouble() * 100 : 5_000 - (i - 3000) * 0.5;
        }
        for (int i = 0; i < rows; i++) {
            l.update(errors[i]);
            double expected = Double.NEGATIVE_INFINITY;
            for (int j = Math.max(0, i - SETTINGS.historyRows() + 1); j <= i; j++) {
                expected = Math.max(expected, errors[j]);
            }
            // the averages carry the running sum's rounding (1e-13 here)
            assertEquals(expected, l.maxOfHistory(), 1e-9 * Math.abs(expected), "maximum after row " + i);
        }
    }
}
