package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeasonalDifferenceTest {
    private static final long DAY = 86_400_000L;
    private static final long FIVE_MIN = 300_000L;

    /** A daily pattern of 288 rows: the row's position in its day. */
    private static double daily(int row) {
        return row % 288;
    }

    @Test
    void lagInRowsComesFromTheMedianSpacing() {
        SeasonalDifference s = new SeasonalDifference(DAY, 1, 20_000);
        long t = 0;
        // the first 33 rows give the spacing (and a lag of 288 rows); differences start a season later
        int first = SeasonalDifference.SPACING_ROWS - 1 + 288;
        for (int i = 0; i < first; i++) {
            // one gap of an hour among the first rows does not change the median spacing
            t += i == 5 ? 3_600_000L : FIVE_MIN;
            assertTrue(Double.isNaN(s.update(t, daily(i))), "no error before a full season, row " + i);
            assertFalse(s.seasonLearned());
        }
        for (int i = first; i < 700; i++) {
            t += FIVE_MIN;
            assertEquals(0.0, s.update(t, daily(i)), 1e-12, "a repeated day has no difference, row " + i);
        }
        assertTrue(s.seasonLearned(), "a full season of differences seen");
        t += FIVE_MIN;
        assertEquals(10.0, s.update(t, daily(700) + 10), 1e-9, "difference from a day earlier");
    }

    @Test
    void averagesTheLastRows() {
        SeasonalDifference s = new SeasonalDifference(10 * FIVE_MIN, 4, 20_000);
        for (int i = 0; i < 45; i++) {
            s.update(i * FIVE_MIN, 0);
        }
        // root of the mean squared difference over the last 4 rows
        assertEquals(2.0, s.update(45 * FIVE_MIN, 4), 1e-12);
        assertEquals(Math.sqrt(8), s.update(46 * FIVE_MIN, 4), 1e-12);
        assertEquals(Math.sqrt(8), s.update(47 * FIVE_MIN, 0), 1e-12);
        assertEquals(Math.sqrt(8), s.update(48 * FIVE_MIN, 0), 1e-12);
        assertEquals(2.0, s.update(49 * FIVE_MIN, 0), 1e-12);
    }

    @Test
    void seasonLongerThanTheCapOrShorterThanTwoRowsDisablesTheChannel() {
        SeasonalDifference tooLong = new SeasonalDifference(DAY, 1, 100);
        SeasonalDifference tooShort = new SeasonalDifference(FIVE_MIN, 1, 20_000);
        for (int i = 0; i < 2000; i++) {
            assertTrue(Double.isNaN(tooLong.update(i * FIVE_MIN, i % 7)));
            assertTrue(Double.isNaN(tooShort.update(i * FIVE_MIN, i % 7)));
        }
    }
}
