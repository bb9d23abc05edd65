package io.edgeai.gateway.nlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

import io.edgeai.gateway.api.EdgeAiConstants;

/** Which version of a text model serves: never a shadow candidate, and a removed candidate leaves the serving one. */
class ServingVersionsTest {
    /** A stand-in service: a model name and version, as an encoder's or head's {@code info()} gives them. */
    private record Service(String name, String version) {}

    private final ServingVersions<Service> versions = new ServingVersions<>(Service::version);

    @Test
    void aShadowCandidateOfAnEncoderNeverServesAndItsRemovalLeavesTheServingVersion() {
        Service v1 = new Service("all-minilm-l6-v2-q", "1.0.0");
        Service v11 = new Service("all-minilm-l6-v2-q", "1.1.0");
        versions.put(v1, props(v1, true, false, 0));
        versions.put(v11, props(v11, false, true, 0));
        assertEquals(v1, versions.get("all-minilm-l6-v2-q"), "a higher shadow version does not serve live text");
        versions.remove(v11);
        assertEquals(v1, versions.get("all-minilm-l6-v2-q"), "the candidate's removal leaves 1.0.0 serving");
    }

    @Test
    void aPromotionMovesServingToTheNewVersionAndRemovingTheOldOneKeepsIt() {
        Service v1 = new Service("clinc150-head", "1.0.0");
        Service v2 = new Service("clinc150-head", "2.0.0");
        versions.put(v1, props(v1, true, false, 0));
        versions.put(v2, props(v2, false, true, 0));
        // promotion: the candidate's properties change to serving, the old version's to not serving
        versions.put(v2, props(v2, true, false, 0));
        versions.put(v1, props(v1, false, false, 0));
        assertEquals(v2, versions.get("clinc150-head"));
        versions.remove(v1);
        assertEquals(v2, versions.get("clinc150-head"));
        versions.remove(v2);
        assertNull(versions.get("clinc150-head"), "no version left");
    }

    @Test
    void amongServingVersionsTheHighestRankingThenTheHighestVersionServesAndNamesStayApart() {
        Service a1 = new Service("a", "1.0.0");
        Service a2 = new Service("a", "2.0.0");
        Service a3 = new Service("a", "1.5.0");
        Service b1 = new Service("b", "9.0.0");
        versions.put(a1, props(a1, true, false, 0));
        versions.put(b1, props(b1, true, false, 0));
        versions.put(a2, props(a2, true, false, 0));
        assertEquals(a2, versions.get("a"), "the higher version");
        versions.put(a3, props(a3, true, false, 10));
        assertEquals(a3, versions.get("a"), "a higher service ranking (a swap under way) first");
        assertEquals(b1, versions.get("b"));
        versions.remove(a3);
        assertEquals(a2, versions.get("a"));
        assertNull(versions.get("c"));
    }

    @Test
    void theShadowCandidateAndAPinArePerNameAndTheirRemovalFallsBackToTheServingVersion() {
        Service a1 = new Service("a", "1.0.0");
        Service a2 = new Service("a", "2.0.0");
        Service b1 = new Service("b", "1.0.0");
        versions.put(a1, props(a1, true, false, 0));
        versions.put(a2, props(a2, false, true, 0));
        versions.put(b1, props(b1, true, false, 0));
        assertEquals(a2, versions.shadow("a"));
        assertNull(versions.shadow("b"));
        versions.pin("a", new org.osgi.framework.VersionRange("[2.0,3.0)"));
        assertEquals(a2, versions.get("a"), "pinned to the candidate's version: it answers");
        assertNull(versions.shadow("a"), "not a shadow beside itself");
        assertEquals(b1, versions.get("b"), "the pin is a's only");
        versions.pin("a", null);
        versions.remove(a2);
        assertEquals(a1, versions.get("a"));
        assertNull(versions.shadow("a"));
    }

    private static Map<String, Object> props(Service s, boolean serving, boolean shadow, int ranking) {
        Map<String, Object> p = new HashMap<>();
        p.put(EdgeAiConstants.MODEL_NAME, s.name());
        p.put(EdgeAiConstants.MODEL_VERSION, s.version());
        p.put(EdgeAiConstants.MODEL_SERVING, serving);
        p.put(EdgeAiConstants.MODEL_SHADOW, shadow);
        p.put(Constants.SERVICE_RANKING, ranking);
        return p;
    }
}
