package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RunningNormaliserTest {
    @Test
    void populationMeanAndDeviationOfValuesSoFar() {
        RunningNormaliser n = new RunningNormaliser(1e-3);
        for (double v : new double[] {2, 4, 4, 4, 5, 5, 7, 9}) {
            n.add(v);
        }
        assertEquals(5.0, n.mean(), 1e-12);
        assertEquals(2.0, n.std(), 1e-12);
    }

    @Test
    void flatLineGetsRelativeFloor() {
        RunningNormaliser n = new RunningNormaliser(1e-3);
        for (int i = 0; i < 100; i++) {
            n.add(500);
        }
        assertEquals(0.5, n.std(), 1e-12);
        RunningNormaliser small = new RunningNormaliser(1e-3);
        small.add(0);
        assertEquals(1e-3, small.std(), 1e-15);
    }

    @Test
    void matchesTwoPassComputationOnLargeOffsets() {
        RunningNormaliser n = new RunningNormaliser(1e-9);
        double[] v = new double[1000];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1e6 + Math.sin(i * 0.1);
            n.add(v[i]);
        }
        double mean = java.util.Arrays.stream(v).average().orElseThrow();
        double var =
                java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
        assertEquals(mean, n.mean(), 1e-6);
        assertEquals(Math.sqrt(var), n.std(), 1e-6);
    }
}
