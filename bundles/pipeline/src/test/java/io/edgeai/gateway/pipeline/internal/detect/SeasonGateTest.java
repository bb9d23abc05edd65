package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.onnx.internal.OrtModelRunner;

/** The weekly gate (1.3.0): a week scores only where a week-old value predicts better than a day-old one. */
class SeasonGateTest {
    private static final long FIVE_MINUTES = 300_000;
    private static final long DAY = 86_400_000L;
    private static final long WEEK = 7 * DAY;
    private static final int ROWS_PER_DAY = 288;

    @Test
    void theGateOpensOnlyAfterASeasonOfPairsAndWhileTheLongerSeasonPredictsBetter() {
        SeasonGate gate = new SeasonGate(1, 1);
        gate.season(10);
        for (int i = 0; i < 9; i++) {
            gate.add(0.1, 1);
            assertFalse(gate.open(), "fewer than a season of pairs: " + i);
        }
        gate.add(0.1, 1);
        assertTrue(gate.open(), "a season of pairs, the longer season ten times better");
        // the rival turns better: with a half-life of 10 pairs the averages cross within a few dozen pairs
        int pairs = 0;
        while (gate.open()) {
            gate.add(1, 0.1);
            pairs++;
            assertTrue(pairs < 100, "the gate never closed");
        }
        assertTrue(pairs > 1, "one pair does not outweigh a season: " + pairs);
        assertThrows(IllegalArgumentException.class, () -> new SeasonGate(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SeasonGate(1, 0));
    }

    @Test
    void theShippedDescriptorGatesTheWeekAndTheSettingsAreValidated() {
        ScorerSettings shipped;
        try (OrtModelRunner model = OrtModelRunner.load(AnomalyScorerTest.DESCRIPTOR)) {
            shipped = ScorerSettings.fromModel(model.info());
        }
        assertEquals(1, shipped.weekGateRatio());
        assertEquals(2, shipped.weekGateSeasons());
        assertEquals(0, ScorerSettings.DEFAULTS.weekGateRatio(), "a descriptor without the property: no gate");
        ScorerSettings d = ScorerSettings.DEFAULTS;
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new ScorerSettings(
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
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        1,
                        -1,
                        1));
        assertTrue(e.getMessage().contains("week.gate.ratio"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new ScorerSettings(
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
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        1,
                        1,
                        0));
        assertTrue(e.getMessage().contains("week.gate.seasons"), e.getMessage());
    }

    @Test
    void theRivalDifferenceIsTheDifferenceFromTheBucketOneShorterSeasonEarlier() {
        // an hourly series: a week is 168 rows kept one per row, a day 24 of them
        SeasonalDifference d = new SeasonalDifference(WEEK, 1, SeasonalDifference.BUCKETS, DAY);
        long hour = 3_600_000L;
        int rows = SeasonalDifference.SPACING_ROWS + 400;
        for (int i = 0; i < rows; i++) {
            d.update(i * hour, i * i);
        }
        assertEquals(24, d.rivalBuckets(), 1e-12);
        int last = rows - 1;
        assertEquals((double) last * last - (last - 168.0) * (last - 168), d.lastDifference(), 1e-6);
        assertEquals((double) last * last - (last - 24.0) * (last - 24), d.lastRivalDifference(), 1e-6);
        // at five minutes a week is 2,016 rows in 288 buckets of 7: a day is 41 1/7 buckets, interpolated
        SeasonalDifference fine = new SeasonalDifference(WEEK, 1, SeasonalDifference.BUCKETS, DAY);
        for (int i = 0; i < SeasonalDifference.SPACING_ROWS; i++) {
            fine.update(i * FIVE_MINUTES, 1);
        }
        assertEquals(288.0 / 7, fine.rivalBuckets(), 1e-12);
        assertTrue(Double.isNaN(new SeasonalDifference(WEEK, 1, 288).lastRivalDifference()), "no rival: NaN");
    }

    @Test
    void aGatedWeeklyChannelStaysSilentWhereTheWeekExplainsNothingAndScoresAWeeklyRhythmsHoliday() {
        ScorerSettings s = ScorerSettings.DEFAULTS;
        // the same daily shape every day, noise, and on day 40 a day of twice the amplitude: the ungated weekly
        // channel scores it as well as the daily one would, the gated one leaves it to the daily channel
        double ungated = holidayScore(new SeasonalChannel(s, WEEK, 3, 1), false);
        double gated = holidayScore(new SeasonalChannel(s, WEEK, 3, 1, DAY, 1, 2), false);
        assertTrue(ungated > 0.1, "the ungated week scores the odd day: " + ungated);
        assertEquals(0, gated, "no weekly rhythm: the gate is shut");
        // weekdays and weekends: a week-old value is the better guess, the gate opens and the holiday scores
        double weekly = holidayScore(new SeasonalChannel(s, WEEK, 3, 1, DAY, 1, 2), true);
        assertTrue(weekly > 0.1, "a weekly rhythm: the gated week scores the holiday: " + weekly);
    }

    /**
     * Seven weeks of a daily shape (weekends low when {@code weekends}), noise; on day 44 (a Wednesday) the
     * day takes a Sunday's shape, or twice the amplitude without weekends.
     *
     * @return the channel's largest score on that day
     */
    private static double holidayScore(SeasonalChannel channel, boolean weekends) {
        Random rnd = new Random(17);
        double max = 0;
        for (int day = 0; day < 49; day++) {
            boolean weekend = weekends && day % 7 >= 5;
            boolean odd = day == 44;
            for (int r = 0; r < ROWS_PER_DAY; r++) {
                double shape = Math.sin(Math.PI * r / ROWS_PER_DAY);
                double amplitude = weekends ? (weekend || odd ? 10 : 50) : (odd ? 100 : 50);
                double score = channel.update(
                        ((long) day * ROWS_PER_DAY + r) * FIVE_MINUTES, amplitude * shape + 5 + rnd.nextGaussian());
                if (odd) {
                    max = Math.max(max, score);
                }
            }
        }
        return max;
    }
}
