package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.api.ModelRunner;

/** Seasonal differences: row by row for seasons of at most {@link SeasonalDifference#BUCKETS} rows, bucketed above. */
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
    void seasonShorterThanTwoRowsDisablesTheChannel() {
        SeasonalDifference tooShort = new SeasonalDifference(FIVE_MIN, 1, 20_000);
        for (int i = 0; i < 2000; i++) {
            assertTrue(Double.isNaN(tooShort.update(i * FIVE_MIN, i % 7)));
        }
        assertEquals(0, tooShort.buckets());
    }

    /** Five-minute data (a 288-row day) and half-hourly data keep one value per row: exactly as before buckets. */
    @Test
    void aSeasonOfAtMostBucketsRowsIsUnchanged() {
        for (long spacing : new long[] {FIVE_MIN, 6 * FIVE_MIN}) {
            Random rnd = new Random(11);
            SeasonalDifference bucketed = new SeasonalDifference(DAY, 3);
            ExactSeasonalDifference exact = new ExactSeasonalDifference(DAY, 3, 20_000);
            long t = 0;
            for (int i = 0; i < 5_000; i++) {
                t += i % 97 == 0 ? 2 * spacing : spacing;
                double v = 20 + 5 * Math.sin(2 * Math.PI * t / DAY) + rnd.nextGaussian() + (i > 3_000 ? 7 : 0);
                double e = exact.update(t, v);
                assertEquals(e, bucketed.update(t, v), floatTolerance(e), "row " + i + ", spacing " + spacing);
                assertEquals(exact.seasonLearned(), bucketed.seasonLearned(), "row " + i);
            }
            assertEquals(1, bucketed.rowsPerBucket());
        }
    }

    /**
     * The season is stored in float relative to its first value: values of a level near 100 keep about 1e-5 of
     * absolute precision, so the root mean square of their differences agrees to 2e-5 (relative above 1).
     */
    static double floatTolerance(double expected) {
        return 2e-5 * (Double.isNaN(expected) ? 1 : Math.max(1, Math.abs(expected)));
    }

    /** The NAB series in the test resources (5- and 30-minute spacing) give the same seasonal errors (float precision). */
    @Test
    void nabSeriesAreUnchanged() {
        for (String name : new String[] {"machine_temperature_system_failure", "nyc_taxi"}) {
            List<Long> times = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            AnomalyLikelihoodAgreementTest.readNab(name, times, values);
            SeasonalDifference bucketed = new SeasonalDifference(DAY, 3);
            ExactSeasonalDifference exact = new ExactSeasonalDifference(DAY, 3, 20_000);
            for (int i = 0; i < values.size(); i++) {
                double e = exact.update(times.get(i), values.get(i));
                assertEquals(e, bucketed.update(times.get(i), values.get(i)), floatTolerance(e), name + " row " + i);
            }
        }
    }

    /** A 12-row season with at most 4 values kept: buckets of 3 rows, a difference when a bucket completes. */
    @Test
    void aLongerSeasonIsAveragedIntoBuckets() {
        SeasonalDifference s = new SeasonalDifference(12 * FIVE_MIN, 1, 4);
        int row = 0;
        for (; row < SeasonalDifference.SPACING_ROWS; row++) {
            assertTrue(Double.isNaN(s.update(row * FIVE_MIN, 0)));
        }
        assertEquals(4, s.buckets());
        assertEquals(3, s.rowsPerBucket());
        // the 33rd row started the first bucket; fill the rest of the first season with zeros
        for (; row < SeasonalDifference.SPACING_ROWS - 1 + 12; row++) {
            assertTrue(Double.isNaN(s.update(row * FIVE_MIN, 0)), "first season, row " + row);
        }
        // one season later: a bucket of 3, 6, 9 (mean 6) against a bucket of zeros
        assertTrue(Double.isNaN(s.update(row * FIVE_MIN, 3)));
        row++;
        assertTrue(Double.isNaN(s.update(row * FIVE_MIN, 6)));
        row++;
        assertEquals(6.0, s.update(row * FIVE_MIN, 9), 1e-12);
    }

    /** Whatever a caller asks for, no more than BUCKETS season values are kept. */
    @Test
    void oneSecondSamplingKeepsAtMostBucketsValues() {
        SeasonalDifference s = new SeasonalDifference(DAY, 3, 20_000);
        for (int i = 0; i < SeasonalDifference.SPACING_ROWS; i++) {
            s.update(i * 1000L, i);
        }
        assertEquals(SeasonalDifference.BUCKETS, s.buckets());
        assertEquals(86_400 / SeasonalDifference.BUCKETS, s.rowsPerBucket());
    }

    /**
     * A series sampled every second for five days with a daily shape, the fifth day flat at the daily mean: the
     * seasonal channel (here the only one: the model reconstructs its input exactly) stays below the threshold
     * on normal days and crosses it on the flat day, as it does for the same series sampled every 5 minutes.
     */
    @ParameterizedTest(name = "one row every {0} ms")
    @ValueSource(longs = {1000, FIVE_MIN})
    void aDayThatLosesItsShapeIsDetected(long spacing) {
        ScorerSettings settings = new ScorerSettings(
                64, 1e-3, 20, 64, 150, 8640, 1, 100, 30, 0.02, 0.009441128591656068, 0.001, DAY, 3, 0.3);
        AnomalyScorer scorer = new AnomalyScorer(settings);
        SeriesState state = scorer.newSeries();
        ModelRunner identity = new IdentityModel();
        Random rnd = new Random(3);
        int perDay = (int) (DAY / spacing);
        double[] maxPerDay = new double[5];
        for (int i = 0; i < 5 * perDay; i++) {
            long t = i * spacing;
            int day = i / perDay;
            double shape = day == 4 ? 0 : 5 * Math.sin(2 * Math.PI * t / DAY);
            double v = 20 + shape + 0.3 * rnd.nextGaussian();
            maxPerDay[day] =
                    Math.max(maxPerDay[day], scorer.score(state, identity, t, v).score());
        }
        System.out.printf(
                Locale.ROOT,
                "spacing %d ms: highest score per day %s%n",
                spacing,
                java.util.Arrays.toString(maxPerDay));
        assertTrue(
                maxPerDay[2] < settings.threshold() && maxPerDay[3] < settings.threshold(),
                "normal days stay quiet: " + maxPerDay[2] + ", " + maxPerDay[3]);
        assertTrue(maxPerDay[4] >= settings.threshold(), "the flat day alarms: " + maxPerDay[4]);
    }

    /** A model that reconstructs its input exactly (reconstruction error 0). */
    private static final class IdentityModel implements ModelRunner {
        @Override
        public ModelInfo info() {
            throw new UnsupportedOperationException();
        }

        @Override
        public float[][] run(float[][] batch) {
            return batch;
        }

        @Override
        public long inferenceCount() {
            return 0;
        }

        @Override
        public long failureCount() {
            return 0;
        }
    }
}
