package io.edgeai.gateway.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/** The serving rule alone: no framework, no ONNX Runtime; loading is simulated. */
class ServingPlanTest {
    private static final ModelKey V1 = key(1, "1.0.0");
    private static final ModelKey V2 = key(2, "2.0.0");
    private static final ModelKey V3 = key(3, "3.0.0");
    private static final ModelKey OTHER = key(9, "5.0.0");

    private static ModelKey key(long id, String version) {
        return new ModelKey(id, version, "sha-" + id);
    }

    /** Versions installed (highest first), what is loaded and refused, and what an operator chose. */
    private final List<ServingPlan.Candidate> installed =
            new ArrayList<>(List.of(candidate(V3), candidate(V2), candidate(V1)));

    private final Set<ModelKey> loaded = new HashSet<>();
    private final Map<ModelKey, String> refused = new HashMap<>();
    private final Set<ModelKey> failing = new HashSet<>();
    private final Set<ModelKey> rolledBack = new HashSet<>();
    private final List<ServingPlan.Pin> pins = new ArrayList<>();
    private final List<ModelKey> tried = new ArrayList<>();
    private ModelKey chosen;
    private ModelKey shadow;

    private static ServingPlan.Candidate candidate(ModelKey k) {
        return new ServingPlan.Candidate(k, Version.parseVersion(k.version()));
    }

    private ServingPlan.Plan plan() {
        return ServingPlan.plan(
                new ServingPlan.Inputs("m", installed, loaded, refused, chosen, rolledBack, shadow, pins));
    }

    /** Does what the extender does: loads what the plan names until it names nothing more. */
    private ServingPlan.Plan settle() {
        for (int i = 0; i < 20; i++) {
            ServingPlan.Plan p = plan();
            if (p.shadowEnded() != null) {
                shadow = null;
            }
            if (p.load() == null) {
                return p;
            }
            tried.add(p.load());
            if (failing.contains(p.load())) {
                refused.put(p.load(), "bad " + p.load().version());
            } else {
                loaded.add(p.load());
            }
        }
        throw new AssertionError("the plan never settles: " + tried);
    }

    @Test
    void theHighestVersionThatLoadsServesAndTheOthersGo() {
        failing.add(V3);
        loaded.add(V1);
        ServingPlan.Plan p = settle();
        assertEquals(List.of(V3, V2), tried, "highest first; a refused one leaves the next in line");
        assertEquals(V2, p.serve());
        assertEquals(Set.of(V2), p.keep());
        assertEquals(List.of(V1), p.unregister(List.of(V1, V2)));
        assertNull(p.shadow());
    }

    @Test
    void nothingServesWhenNothingLoads() {
        failing.addAll(Set.of(V1, V2, V3));
        ServingPlan.Plan p = settle();
        assertNull(p.serve());
        assertEquals(Set.of(), p.keep());
        assertEquals(List.of(V3, V2, V1), tried);
    }

    @Test
    void anOperatorsChoiceServesUnlessItFailsAndARolledBackVersionIsNotChosenAgainByItself() {
        chosen = V1;
        rolledBack.add(V3);
        assertEquals(V1, settle().serve());
        assertEquals(List.of(V1), tried, "nothing else is loaded for a choice that loads");

        chosen = null;
        assertEquals(V2, settle().serve(), "without a choice the highest not rolled back from serves");

        chosen = key(7, "7.0.0"); // no longer installed
        assertEquals(V2, settle().serve());
    }

    @Test
    void aChosenVersionThatIsRefusedFallsBackToTheRule() {
        chosen = V1;
        failing.add(V1);
        assertEquals(V3, settle().serve());
        assertEquals(List.of(V1, V3), tried);
    }

    @Test
    void theShadowCandidateIsLoadedAndKeptAlongsideTheServingVersion() {
        chosen = V2;
        shadow = V3;
        ServingPlan.Plan p = settle();
        assertEquals(List.of(V2, V3), tried);
        assertEquals(V2, p.serve());
        assertEquals(V3, p.shadow());
        assertNull(p.shadowEnded());
        assertEquals(Set.of(V2, V3), p.keep());
    }

    @Test
    void theShadowEndsWhenItServesIsRefusedOrUninstalled() {
        shadow = V3;
        ServingPlan.Plan serving = settle();
        assertEquals("serving now", serving.shadowEnded());
        assertNull(serving.shadow());

        chosen = V2;
        shadow = V1;
        failing.add(V1);
        assertEquals("refused: bad 1.0.0", settle().shadowEnded());

        shadow = key(8, "8.0.0");
        ServingPlan.Plan gone = settle();
        assertEquals("uninstalled", gone.shadowEnded());
        assertEquals(Set.of(V2), gone.keep());
    }

    @Test
    void aPinTheServingVersionDoesNotMeetKeepsTheHighestVersionInItsRange() {
        pins.add(new ServingPlan.Pin("m", new VersionRange("[1.0,3.0)"), "[1.0,3.0)"));
        pins.add(new ServingPlan.Pin("other", new VersionRange("[5.0,6.0)"), "[5.0,6.0)"));
        failing.add(V2);
        ServingPlan.Plan p = settle();
        assertEquals(V3, p.serve());
        assertEquals(List.of(V3, V2, V1), tried, "the pin's highest is refused: the next in its range");
        assertEquals(Set.of(V3, V1), p.keep());

        pins.set(0, new ServingPlan.Pin("m", new VersionRange("[3.0,4.0)"), "[3.0,4.0)"));
        assertEquals(Set.of(V3), settle().keep(), "met by the serving version: nothing else kept");
    }

    @Test
    void aShadowThatEndsIsToldEvenWhenAPinStillHasToLoad() {
        loaded.addAll(Set.of(V3));
        shadow = V3; // serves itself now
        pins.add(new ServingPlan.Pin("m", new VersionRange("[2.0,3.0)"), "[2.0,3.0)"));
        ServingPlan.Plan first = plan();
        assertEquals(V2, first.load());
        assertEquals("serving now", first.shadowEnded(), "decided before the pin's load");
    }

    @Test
    void loadedVersionsOfOtherModelsAreLeftAlone() {
        loaded.add(OTHER);
        ServingPlan.Plan p = settle();
        assertFalse(p.keep().contains(OTHER));
        assertTrue(p.unregister(List.of(V3)).isEmpty());
    }

    @Test
    void aRollbackReturnsToTheLatestEarlierVersionStillUsable() {
        List<ModelKey> history = List.of(V1, V2, V3);
        Set<ModelKey> present = Set.of(V1, V2, V3);
        assertEquals(1, ServingPlan.rollbackTarget(history, V3, present::contains, Map.of(), Set.of()));
        assertEquals(0, ServingPlan.rollbackTarget(history, V3, present::contains, Map.of(V2, "bad"), Set.of()));
        assertEquals(0, ServingPlan.rollbackTarget(history, V3, Set.of(V1, V3)::contains, Map.of(), Set.of()));
        assertEquals(-1, ServingPlan.rollbackTarget(history, V3, present::contains, Map.of(), Set.of(V1, V2)));
    }

    @Test
    void theShadowCommandPicksTheAskedVersionOrTheHighestBesidesTheServingOne() {
        assertEquals(V2, ServingPlan.shadowPick(installed, V3, null, Map.of()));
        assertEquals(V1, ServingPlan.shadowPick(installed, V3, null, Map.of(V2, "bad")));
        assertEquals(V2, ServingPlan.shadowPick(installed, V3, "2.0.0", Map.of(V2, "bad")), "asked: even refused");
        assertNull(ServingPlan.shadowPick(installed, V3, "4.0.0", Map.of()));
    }

    @Test
    void aNewVersionArrivesInShadowWhenAskedOrWhenHigherVersionsShadowFirst() {
        ServingPlan.Candidate v3 = candidate(V3);
        assertFalse(ServingPlan.arrivesInShadow(v3, null, true, true), "nothing serves: it simply serves");
        assertFalse(ServingPlan.arrivesInShadow(v3, V2, false, false));
        assertTrue(ServingPlan.arrivesInShadow(v3, V2, false, true));
        assertFalse(ServingPlan.arrivesInShadow(candidate(V1), V2, false, true), "a lower one is no candidate");
        assertTrue(ServingPlan.arrivesInShadow(candidate(V1), V2, true, false));
        assertFalse(ServingPlan.arrivesInShadow(v3, V3, true, true));
        assertTrue(ServingPlan.arrivesInShadow(v3, key(4, "not-a-version"), false, true));
    }
}
