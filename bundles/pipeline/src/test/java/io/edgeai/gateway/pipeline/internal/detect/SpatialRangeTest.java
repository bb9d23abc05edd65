package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpatialRangeTest {
    @Test
    void flagsOnlyValuesBeyondToleranceOfEarlierRange() {
        SpatialRange r = new SpatialRange(0.1);
        assertFalse(r.outside(0));
        assertFalse(r.outside(10));
        assertFalse(r.outside(11), "within 10 % of the range");
        assertTrue(r.outside(12.2), "beyond 10 % of the range 0..11");
        assertTrue(r.outside(-2));
        assertFalse(r.outside(5));
    }

    @Test
    void negativeToleranceDisables() {
        SpatialRange r = new SpatialRange(-1);
        r.outside(0);
        r.outside(1);
        assertFalse(r.outside(1000));
    }
}
