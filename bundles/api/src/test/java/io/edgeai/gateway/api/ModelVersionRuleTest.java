package io.edgeai.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

/** The one rule both pipelines choose model versions by: serving, pinned, shadow, swaps and removals. */
class ModelVersionRuleTest {
    private final List<ModelVersionRule.Candidate<String>> versions = new ArrayList<>();

    private void add(String version, boolean serving, boolean shadow, int ranking) {
        versions.add(ModelVersionRule.Candidate.of(
                "v" + version,
                version,
                Map.of(
                        EdgeAiConstants.MODEL_SERVING,
                        serving,
                        EdgeAiConstants.MODEL_SHADOW,
                        shadow,
                        Constants.SERVICE_RANKING,
                        ranking)));
    }

    private void remove(String version) {
        versions.removeIf(c -> c.service().equals("v" + version));
    }

    private ModelVersionRule.Choice<String> choose(String pin) {
        return ModelVersionRule.choose(versions, ModelVersionRule.pin(pin));
    }

    @Test
    void withoutAPinOnlyAServingVersionAnswersAndAHigherShadowIsTheCandidate() {
        add("1.0.0", true, false, 0);
        add("2.0.0", false, true, 0);
        add("3.0.0", false, false, 0); // kept loaded for another pipeline's pin
        assertEquals(new ModelVersionRule.Choice<>("v1.0.0", "v2.0.0"), choose(""));
    }

    @Test
    void duringASwapTheHigherRankingServesThenTheHigherVersion() {
        add("1.0.0", true, false, 1);
        add("0.9.0", true, false, 2); // a rollback: the older version is registered with the higher ranking
        assertEquals("v0.9.0", choose(null).use());
        remove("0.9.0");
        add("1.1.0", true, false, 1);
        assertEquals("v1.1.0", choose(null).use(), "equal rankings: the higher version");
    }

    @Test
    void aPinUsesTheServingVersionInsideItElseTheOneKeptLoadedForIt() {
        add("1.0.0", true, false, 0);
        add("2.0.0", false, false, 0);
        assertEquals("v1.0.0", choose("[1.0,2.0)").use());
        assertEquals("v2.0.0", choose("[2.0,3.0)").use(), "a non-serving version inside the range");
        assertNull(choose("[5.0,6.0)").use(), "nothing inside the range");
        assertThrows(IllegalArgumentException.class, () -> ModelVersionRule.pin("latest"));
    }

    @Test
    void removingThePinnedOrShadowVersionFallsBack() {
        add("1.0.0", true, false, 0);
        add("2.0.0", false, true, 0);
        assertEquals(
                new ModelVersionRule.Choice<>("v2.0.0", null),
                choose("[2.0,3.0)"),
                "the pinned version is the candidate itself: used, so not a shadow beside itself");
        remove("2.0.0");
        assertNull(choose("[2.0,3.0)").use(), "the pin holds: nothing else inside it");
        assertEquals(new ModelVersionRule.Choice<>("v1.0.0", null), choose(""), "unpinned: the serving one");
        add("1.5.0", false, true, 0);
        assertEquals(new ModelVersionRule.Choice<>("v1.0.0", "v1.5.0"), choose(""));
        remove("1.5.0");
        assertEquals(new ModelVersionRule.Choice<>("v1.0.0", null), choose(""), "the candidate's removal");
    }

    @Test
    void aRunnerWithoutThePropertiesServesAndAnUnreadableVersionRanksLowest() {
        versions.add(ModelVersionRule.Candidate.of("plain", "not a version", Map.of()));
        add("0.0.1", true, false, 0);
        assertEquals("v0.0.1", choose(null).use());
        remove("0.0.1");
        assertEquals("plain", choose(null).use());
        versions.clear();
        assertEquals(new ModelVersionRule.Choice<>(null, null), choose(null));
    }
}
