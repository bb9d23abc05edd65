package io.edgeai.gateway.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.VersionRange;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.onnx.internal.OrtModelRunner;

/** Which runner a pipeline uses, and a swap that closes the runner under a reading, with real models. */
class ModelSwapTest {
    private OrtModelRunner old;
    private OrtModelRunner next;

    @BeforeEach
    void load() {
        old = OrtModelRunner.load(PipelineWorkerTest.MODEL);
        next = OrtModelRunner.load(PipelineWorkerTest.MODEL);
    }

    @AfterEach
    void close() {
        old.close();
        next.close();
    }

    private static Map<String, Object> props(boolean serving, int ranking) {
        return Map.of(EdgeAiConstants.MODEL_SERVING, serving, Constants.SERVICE_RANKING, ranking);
    }

    @Test
    void aReadingStartedOnAClosedRunnerIsScoredByItsSuccessorAndNamesIt() {
        ModelRunner[] current = {old};
        SwapSafeModel model = new SwapSafeModel(() -> current[0]);
        model.begin(old);
        current[0] = next;
        old.close();
        float[] out = model.run(new float[64]);
        assertEquals(64, out.length);
        assertSame(next, model.used());
        assertEquals(0, old.failureCount() + next.failureCount());
    }

    @Test
    void withoutASuccessorTheFailureIsReported() {
        SwapSafeModel model = new SwapSafeModel(() -> old);
        model.begin(old);
        old.close();
        assertThrows(InferenceException.class, () -> model.run(new float[64]));
    }

    @Test
    void theServingRunnerWithTheHighestRankingWinsUnlessAPinExcludesIt() {
        ModelChoice choice = new ModelChoice();
        choice.put(old, props(true, 1));
        assertSame(old, choice.get());
        // during a swap both serve for a moment: the newer default ranks higher
        choice.put(next, props(true, 2));
        assertSame(next, choice.get());
        choice.put(old, props(false, 0));
        assertSame(next, choice.get());
        // the shipped model's version lies outside [0.1,0.2): no runner fits
        choice.pin(new VersionRange("[0.1,0.2)"));
        assertNull(choice.get());
        choice.pin(new VersionRange("[1.0,100)"));
        assertSame(next, choice.get());
        choice.remove(next);
        assertSame(old, choice.get(), "a pinned pipeline uses a non-serving version inside its range");
        choice.pin(null);
        assertNull(choice.get(), "without a pin only a serving version is used");
    }
}
