package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The 1.2.0 detector parts: refractory envelope and its hold, median levels, seasonal channels. */
class DetectorChannelsTest {
    private static final long FIVE_MINUTES = 300_000;

    @Test
    void theRefractoryEnvelopeLetsAnEventThroughOnceAndTheSameStrengthAgainAfterItDecays() {
        Refractory r = new Refractory(10);
        assertEquals(0.5, r.filter(0.5));
        assertEquals(0, r.filter(0.4), "an echo below the envelope");
        assertEquals(0.9, r.filter(0.9), "a stronger event passes at once");
        int rows = 1;
        while (r.filter(0.8) == 0) {
            rows++;
            assertTrue(rows < 1000, "the envelope never decayed");
        }
        // 0.9 * 0.5^(rows / 10) drops below 0.8 after 10 * log2(0.9 / 0.8) = 1.7 rows
        assertEquals(2, rows);
        assertEquals(0.3, new Refractory(0).filter(0.3), "half-life 0: off");
        Refractory off = new Refractory(0);
        assertEquals(0.3, off.filter(0.3));
        assertEquals(0.3, off.filter(0.3), "off: every score passes");
    }

    @Test
    void duringTheHoldAScoreMustExceedTheEnvelopeByTheFactorAndAfterItTheEnvelopeDecays() {
        Refractory r = new Refractory(20, 24, 3);
        assertEquals(0.01, r.filter(0.01));
        // a likelihood that keeps climbing over the next rows: no new alarm until it triples
        assertEquals(0, r.filter(0.02));
        assertEquals(0, r.filter(0.029));
        assertEquals(0.031, r.filter(0.031), "three times the held envelope passes");
        // the 24 held rows count from the row that passed
        for (int i = 0; i < 23; i++) {
            assertEquals(0, r.filter(0.05), "held: 0.05 is below 3 x 0.031 (row " + i + ")");
        }
        // the hold is over: the envelope (0.031, not decayed during the hold) decays again, and 0.05 exceeds it
        assertEquals(0.05, r.filter(0.05));
        Refractory noHold = new Refractory(20, 0, 3);
        assertEquals(0.01, noHold.filter(0.01));
        assertEquals(0.02, noHold.filter(0.02), "no hold: a higher score passes");
    }

    @Test
    void refractorySettingsAreValidated() {
        ScorerSettings d = ScorerSettings.DEFAULTS;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withHold(d, 24, 0.5));
        assertTrue(e.getMessage().contains("refractory.hold.factor"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> withHold(d, -1, 3));
        assertTrue(e.getMessage().contains("refractory.hold.rows"), e.getMessage());
        assertEquals(24, withHold(d, 24, 3).refractoryHoldRows());
    }

    @Test
    void aSpikeDoesNotWidenTheMedianRangeSoALaterLevelShiftBelowItStillBreaksIt() {
        MedianLevels m = new MedianLevels(3, 0.02, 0, 0);
        Random rnd = new Random(7);
        int breaks = 0;
        for (int i = 0; i < 600; i++) {
            if (m.update(17 + rnd.nextGaussian() * 0.3) && i > 50) {
                breaks++;
            }
        }
        assertTrue(breaks <= 3, "a steady level keeps breaking its own range: " + breaks);
        // a one-row spike to 75: the raw range now reaches 75, the median range does not
        assertFalse(m.update(75));
        assertFalse(m.update(17), "the spike is not the median of its neighbours");
        boolean shifted = false;
        for (int i = 0; i < 5 && !shifted; i++) {
            shifted = m.update(28 + rnd.nextGaussian() * 0.3);
        }
        assertTrue(shifted, "a shift to 28, below the spike, breaks the median range within a few rows");
        int later = 0;
        for (int i = 0; i < 300; i++) {
            if (m.update(28 + rnd.nextGaussian() * 0.3)) {
                later++;
            }
        }
        assertTrue(later <= 3, "the new level is learned: " + later);
    }

    @Test
    void aLevelNoMedianCameNearIsNewEvenInsideARangeALongSpikeWidenedButALevelHeldBeforeIsNot() {
        Random rnd = new Random(3);
        MedianLevels levels = new MedianLevels(3, 0.02, 32, 1);
        MedianLevels rangeOnly = new MedianLevels(3, 0.02, 0, 0);
        double[] before = new double[1000];
        for (int i = 0; i < before.length; i++) {
            before[i] = (i < 500 ? 17 : 10) + rnd.nextGaussian() * 0.3;
        }
        int early = 0;
        for (int i = 0; i < before.length; i++) {
            boolean a = levels.update(before[i]);
            rangeOnly.update(before[i]);
            if (a && i > 600) {
                early++;
            }
        }
        assertTrue(early <= 3, "a steady level keeps finding new levels: " + early);
        // a spike of six rows climbs to 75 and back: the medians pass 40 and 75, widening the range (the
        // histogram is rebinned) but visiting only those levels
        for (double v : new double[] {40, 75, 75, 75, 40, 17}) {
            levels.update(v);
            rangeOnly.update(v);
        }
        boolean newLevel = false;
        boolean rangeBreak = false;
        for (int i = 0; i < 5; i++) {
            double v = 28 + rnd.nextGaussian() * 0.3;
            newLevel |= levels.update(v);
            rangeBreak |= rangeOnly.update(v);
        }
        assertTrue(newLevel, "28 lies between the old level and the spike, where no median has been");
        assertFalse(rangeBreak, "inside the widened range: the range break alone misses it");
        // back to 10, a level held for 500 rows before the spike (its counts survived the rebinning)
        boolean back = false;
        for (int i = 0; i < 50; i++) {
            back |= levels.update(10 + rnd.nextGaussian() * 0.3);
        }
        assertFalse(back, "a level held before is not new");
    }

    @Test
    void aWeeklyChannelScoresAWeekdayThatLooksLikeASunday() {
        ScorerSettings s = ScorerSettings.DEFAULTS;
        SeasonalChannel weekly = new SeasonalChannel(s, 7 * 24 * 3_600_000L, 3, 1);
        Random rnd = new Random(11);
        int rowsPerDay = 288;
        double weeklyMax = 0;
        double weeklyBefore = 0;
        // five weeks of a weekday / weekend load; in the fifth week Wednesday is a holiday (a Sunday's shape)
        for (int day = 0; day < 35; day++) {
            boolean weekend = day % 7 >= 5;
            boolean holiday = day == 30;
            for (int r = 0; r < rowsPerDay; r++) {
                double shape = Math.sin(Math.PI * r / rowsPerDay);
                double value = (weekend || holiday ? 10 : 50) * shape + 5 + rnd.nextGaussian();
                long ts = ((long) day * rowsPerDay + r) * FIVE_MINUTES;
                double w = weekly.update(ts, value);
                if (holiday) {
                    weeklyMax = Math.max(weeklyMax, w);
                } else if (day >= 22 && day < 30 && day % 7 != 5 && day % 7 != 0) {
                    // ordinary weekdays of the weeks before
                    weeklyBefore = Math.max(weeklyBefore, w);
                }
            }
        }
        assertTrue(weeklyMax > 0.1, "the weekly channel scores the holiday: " + weeklyMax);
        assertTrue(
                weeklyMax > 5 * Math.max(weeklyBefore, 1e-3), "holiday " + weeklyMax + " vs ordinary " + weeklyBefore);
        SeasonalChannel off = new SeasonalChannel(s, 24 * 3_600_000L, 3, 0);
        for (int i = 0; i < 2000; i++) {
            assertEquals(0, off.update(i * FIVE_MINUTES, rnd.nextGaussian()), "weight 0 scores nothing");
        }
    }

    private static ScorerSettings withHold(ScorerSettings d, int rows, double factor) {
        return new ScorerSettings(
                d.windowSize(),
                d.stdFloor(),
                d.clip(),
                d.errorTail(),
                d.learningRows(),
                d.historyRows(),
                d.averageRows(),
                d.reestimateRows(),
                d.logScale(),
                d.spatialTolerance(),
                d.threshold(),
                d.clearThreshold(),
                d.seasonMillis(),
                d.seasonAverageRows(),
                d.seasonWeight(),
                d.weekMillis(),
                d.weekWeight(),
                d.medianRows(),
                d.medianWeight(),
                d.medianLearningRows(),
                0,
                0,
                20,
                rows,
                factor,
                0,
                1);
    }
}
