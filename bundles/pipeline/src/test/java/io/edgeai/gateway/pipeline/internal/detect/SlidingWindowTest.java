package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlidingWindowTest {
    @Test
    void keepsNewestValuesOldestFirst() {
        SlidingWindow w = new SlidingWindow(3);
        w.add(1);
        w.add(2);
        assertFalse(w.isFull());
        w.add(3);
        w.add(4);
        assertTrue(w.isFull());
        float[] out = new float[3];
        w.normalisedInto(out, 0, 1, 100);
        assertArrayEquals(new float[] {2, 3, 4}, out);
    }

    @Test
    void zScoresAndClips() {
        SlidingWindow w = new SlidingWindow(3);
        for (double v : new double[] {10, 12, 1000}) {
            w.add(v);
        }
        float[] out = new float[3];
        w.normalisedInto(out, 10, 2, 5);
        assertArrayEquals(new float[] {0, 1, 5}, out);
    }

    @Test
    void refusesEmptyWindow() {
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindow(0));
    }
}
