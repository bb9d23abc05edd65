package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.onnx.internal.OrtModelRunner;

/**
 * The window hold (1.4.0): a score of the autoencoder window's likelihood holds the refractory envelope for a
 * window's length of rows, other channels' scores for the shorter {@code refractory.hold.rows}.
 */
class WindowHoldTest {
    private static final long FIVE_MINUTES = 300_000;

    @Test
    void aWindowScoreHoldsTheEnvelopeForTheWindowHoldAndALevelScoreForTheShorterHold() {
        // an error that keeps setting records while one event passes through the window: 0.047, then 0.060
        // 35 rows later (NAB rogue_agent_key_hold's false positive)
        Refractory window = new Refractory(20, 24, 3, 64);
        assertEquals(0.047, window.filter(0.047, true));
        for (int i = 1; i < 35; i++) {
            assertEquals(0, window.filter(0, true));
        }
        assertEquals(0, window.filter(0.060, true), "35 rows after a window score: still held");
        assertEquals(0.15, window.filter(0.15, true), "three times the held envelope passes at once");
        // after 64 rows the hold ends and the envelope decays: the same strength passes again
        int rows = 1;
        while (window.filter(0.15, true) == 0) {
            rows++;
            assertTrue(rows < 1000, "the envelope never decayed");
        }
        assertEquals(65, rows, "held 64 rows, then a row of decay");
        // a new median level 36 rows after another (NAB speed_7578): the level channels keep the 24-row hold
        Refractory level = new Refractory(20, 24, 3, 64);
        assertEquals(0.5, level.filter(0.5, false));
        for (int i = 1; i < 36; i++) {
            assertEquals(0, level.filter(0, false));
        }
        assertEquals(0.5, level.filter(0.5, false), "36 rows after a level score: the 24-row hold is over");
        // the same with the 1.3.0 setting (window hold = hold): the window score passes after 35 rows
        Refractory old = new Refractory(20, 24, 3);
        assertEquals(0.047, old.filter(0.047, true));
        for (int i = 1; i < 35; i++) {
            old.filter(0, true);
        }
        assertEquals(0.060, old.filter(0.060, true));
        Refractory off = new Refractory(0, 24, 3, 64);
        assertEquals(0.3, off.filter(0.3, true));
        assertEquals(0.3, off.filter(0.3, true), "half-life 0: off, whatever the holds");
    }

    @Test
    void theShippedDescriptorHoldsWindowScoresForAWindowAndOlderDescriptorsAsLongAsTheOthers() {
        try (OrtModelRunner model = OrtModelRunner.load(AnomalyScorerTest.DESCRIPTOR)) {
            ScorerSettings shipped = ScorerSettings.fromModel(model.info());
            assertEquals(shipped.windowSize(), shipped.refractoryWindowHoldRows());
            assertEquals(24, shipped.refractoryHoldRows());
        }
        ScorerSettings older = ScorerSettings.fromModel(info(Map.of("refractory.hold.rows", "24")));
        assertEquals(24, older.refractoryWindowHoldRows(), "no refractory.hold.window.rows: the 1.3.0 behaviour");
        ScorerSettings set = ScorerSettings.fromModel(
                info(Map.of("refractory.hold.rows", "24", "refractory.hold.window.rows", "96")));
        assertEquals(96, set.refractoryWindowHoldRows());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ScorerSettings.fromModel(info(Map.of("refractory.hold.window.rows", "-1"))));
        assertTrue(e.getMessage().contains("refractory.hold.window.rows"), e.getMessage());
    }

    /**
     * Noise with two 3-row bursts 35 rows apart: both are inside the 64-row window when the second comes, so the
     * window's error sets a new record then (as on NAB rogue_agent_key_hold). The scorer marks the likelihood's
     * scores as the window's: with the window hold the two bursts alarm once; with the 1.3.0 setting (24 rows)
     * the second record alarms again. A candidate model scored alongside (shadow scoring, here the same model)
     * holds its envelope the same way.
     */
    @Test
    void theScorerHoldsTheWindowsRecordsOfOneEventForAWindow() {
        int withWindowHold = alarms(64);
        int withShortHold = alarms(24);
        assertEquals(1, withWindowHold, "one event, one alarm");
        assertTrue(withShortHold > withWindowHold, "the 24-row hold alarms again: " + withShortHold);
    }

    private static int alarms(int windowHold) {
        ScorerSettings s = ScorerSettings.fromModel(info(Map.of(
                "spatial.tolerance", "-1",
                "refractory.halflife.rows", "20",
                "refractory.hold.rows", "24",
                "refractory.hold.factor", "3",
                "refractory.hold.window.rows", Integer.toString(windowHold))));
        AnomalyScorer scorer = new AnomalyScorer(s);
        SeriesState state = scorer.newSeries();
        CandidateState candidate = scorer.newCandidateState();
        ZeroModel model = new ZeroModel(s.windowSize());
        Random rnd = new Random(5);
        int alarms = 0;
        for (int i = 0; i < 3000; i++) {
            double burst = (i >= 2500 && i < 2503) || (i >= 2535 && i < 2538) ? 6 : 0;
            double score = scorer.score(state, model, i * FIVE_MINUTES, 10 + burst + rnd.nextGaussian())
                    .score();
            assertEquals(score, scorer.rescore(state, candidate, model).score(), 1e-12, "candidate, row " + i);
            if (i >= 2500 && score >= s.threshold()) {
                alarms++;
            }
        }
        return alarms;
    }

    private static ModelInfo info(Map<String, String> properties) {
        return new ModelInfo("test", "1.0.0", "test", List.of(), List.of(), properties, "", "CPU", "test", 0);
    }
}
