package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.edgeai.gateway.onnx.internal.OrtModelRunner;

/**
 * The product bound: a series' scorer state stays within {@value #BUDGET} bytes whatever its sampling rate,
 * after warm-up and after more than two seasons (when every lazily sized part has its final size). Uses the
 * shipped model's settings; the state's size does not depend on the model, so a stand-in answers with zeros.
 */
class SeriesFootprintTest {
    static final long BUDGET = 8 * 1024;
    static ScorerSettings settings;

    @BeforeAll
    static void load() {
        try (OrtModelRunner model = OrtModelRunner.load(AnomalyScorerTest.DESCRIPTOR)) {
            settings = ScorerSettings.fromModel(model.info());
        }
    }

    @ParameterizedTest(name = "every {0} ms, {1} rows")
    @CsvSource({"300000, 300", "300000, 700", "1000, 300", "1000, 200000", "100, 300", "3600000, 100"})
    void stateStaysWithinTheBudget(long spacingMillis, int rows) {
        AnomalyScorer scorer = new AnomalyScorer(settings);
        SeriesState state = scorer.newSeries();
        ZeroModel zeros = new ZeroModel(settings.windowSize());
        Random rnd = new Random(5);
        for (int i = 0; i < rows; i++) {
            long t = i * spacingMillis;
            scorer.score(
                    state,
                    zeros,
                    t,
                    20 + 5 * Math.sin(2 * Math.PI * (t % 86_400_000L) / 86_400_000.0) + rnd.nextGaussian());
        }
        long bytes = RetainedSize.of(state, settings);
        System.out.printf(
                Locale.ROOT,
                "series state, one row every %d ms, after %d rows: %d bytes%n",
                spacingMillis,
                rows,
                bytes);
        assertTrue(bytes <= BUDGET, "state of " + bytes + " bytes exceeds " + BUDGET);
    }
}
