package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.edgeai.gateway.onnx.internal.OrtModelRunner;

/** End to end with the committed model bundle's ONNX file, run by ONNX Runtime. */
class AnomalyScorerTest {
    static final Path DESCRIPTOR = Paths.get("../models/anomaly-ae/src/main/resources/model/model.json");
    static OrtModelRunner model;
    static ScorerSettings settings;

    @BeforeAll
    static void load() {
        model = OrtModelRunner.load(DESCRIPTOR);
        settings = ScorerSettings.fromModel(model.info());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Sine with slight noise and a 288-row period; a spike of {@code spike} at row {@code at} when at >= 0. */
    static double[] sine(int rows, int at, double spike) {
        Random rnd = new Random(7);
        double[] v = new double[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = 50 + 10 * Math.sin(2 * Math.PI * i / 288) + 0.1 * rnd.nextGaussian();
        }
        if (at >= 0) {
            v[at] += spike;
        }
        return v;
    }

    static double maxScore(AnomalyScorer scorer, double[] v, int from, int to) {
        SeriesState s = scorer.newSeries();
        double max = 0;
        for (int i = 0; i < v.length; i++) {
            Score sc = scorer.score(s, model, i * 300_000L, v[i]);
            assertEquals(i < settings.warmupRows(), sc.warmingUp(), "row " + i);
            if (sc.warmingUp()) {
                assertEquals(0.0, sc.score());
            }
            if (i >= from && i < to) {
                max = Math.max(max, sc.score());
            }
        }
        return max;
    }

    @Test
    void descriptorCarriesTheSettings() {
        assertEquals(64, settings.windowSize());
        assertTrue(settings.clearThreshold() <= settings.threshold());
        assertEquals(64, model.info().inputs().get(0).rowSize());
        assertEquals(86_400_000L, settings.seasonMillis());
        assertTrue(settings.seasonWeight() > 0 && settings.seasonWeight() <= 1);
    }

    @Test
    void cleanSineStaysBelowThreshold() {
        double max = maxScore(new AnomalyScorer(settings), sine(3000, -1, 0), 600, 3000);
        assertTrue(max < settings.threshold(), "clean sine max score " + max);
    }

    @Test
    void spikeInSineScoresAboveThreshold() {
        double max = maxScore(new AnomalyScorer(settings), sine(3000, 2000, 30), 2000, 2010);
        assertTrue(max >= settings.threshold(), "spike score " + max);
    }

    @Test
    void autoencoderAloneSeesSpikeInsideTheRange() {
        ScorerSettings noRange = new ScorerSettings(
                settings.windowSize(),
                settings.stdFloor(),
                settings.clip(),
                settings.errorTail(),
                settings.learningRows(),
                settings.historyRows(),
                settings.averageRows(),
                settings.reestimateRows(),
                settings.logScale(),
                -1,
                settings.threshold(),
                settings.clearThreshold(),
                settings.seasonMillis(),
                settings.seasonAverageRows(),
                settings.seasonWeight());
        AnomalyScorer scorer = new AnomalyScorer(noRange);
        // at row 2016 the sine is near its minimum (40): +15 stays inside the range 40..60
        double max = maxScore(scorer, sine(3000, 2016, 15), 2016, 2030);
        assertTrue(max >= settings.threshold(), "in-range spike score " + max);
        double clean = maxScore(scorer, sine(3000, -1, 0), 2016, 2030);
        assertTrue(clean < settings.threshold(), "same rows without spike " + clean);
    }

    /** The sine with one day (rows 2880..3167) whose shape is replaced by a flat line at its mean. */
    static double[] flatDay() {
        double[] v = sine(4000, -1, 0);
        Random rnd = new Random(11);
        for (int i = 2880; i < 3168; i++) {
            v[i] = 50 + 0.1 * rnd.nextGaussian();
        }
        return v;
    }

    @Test
    void seasonalChannelSeesADayThatLosesItsShape() {
        double with = maxScore(new AnomalyScorer(settings), flatDay(), 2880, 3168);
        assertTrue(with >= settings.threshold(), "flat day with the seasonal channel " + with);
        double clean = maxScore(new AnomalyScorer(settings), sine(4000, -1, 0), 2880, 3168);
        assertTrue(clean < settings.threshold(), "same rows of the clean sine " + clean);
        ScorerSettings noSeason = new ScorerSettings(
                settings.windowSize(),
                settings.stdFloor(),
                settings.clip(),
                settings.errorTail(),
                settings.learningRows(),
                settings.historyRows(),
                settings.averageRows(),
                settings.reestimateRows(),
                settings.logScale(),
                settings.spatialTolerance(),
                settings.threshold(),
                settings.clearThreshold(),
                0,
                settings.seasonAverageRows(),
                settings.seasonWeight());
        double without = maxScore(new AnomalyScorer(noSeason), flatDay(), 2880, 3168);
        assertTrue(without < settings.threshold(), "the 64-row window alone misses it: " + without);
    }

    @Test
    void rejectsNonFiniteValues() {
        AnomalyScorer scorer = new AnomalyScorer(settings);
        SeriesState s = scorer.newSeries();
        assertThrows(IllegalArgumentException.class, () -> scorer.score(s, model, 0, Double.NaN));
        assertFalse(scorer.score(s, model, 0, 1.0).score() > 0);
    }

    @Test
    void aCandidateScoringFromTheStartWithTheSameModelScoresExactlyAsTheLiveModel() {
        AnomalyScorer scorer = new AnomalyScorer(settings);
        SeriesState live = scorer.newSeries();
        CandidateState candidate = scorer.newCandidateState();
        double[] v = sine(1500, 1200, 40);
        int compared = 0;
        for (int i = 0; i < v.length; i++) {
            Score l = scorer.score(live, model, i * 300_000L, v[i]);
            Score c = scorer.rescore(live, candidate, model);
            assertEquals(l.warmingUp(), c.warmingUp(), "row " + i);
            assertEquals(l.score(), c.score(), 1e-12, "row " + i);
            compared += l.warmingUp() ? 0 : 1;
        }
        assertEquals(v.length - settings.warmupRows(), compared);
    }

    @Test
    void aCandidateStartedLaterWarmsUpItsOwnErrorHistoryFirst() {
        AnomalyScorer scorer = new AnomalyScorer(settings);
        SeriesState live = scorer.newSeries();
        double[] v = sine(800, -1, 0);
        for (int i = 0; i < 400; i++) {
            scorer.score(live, model, i * 300_000L, v[i]);
        }
        CandidateState candidate = scorer.newCandidateState();
        int warming = 0;
        for (int i = 400; i < v.length; i++) {
            scorer.score(live, model, i * 300_000L, v[i]);
            warming += scorer.rescore(live, candidate, model).warmingUp() ? 1 : 0;
        }
        assertEquals(settings.learningRows(), warming);
    }
}
