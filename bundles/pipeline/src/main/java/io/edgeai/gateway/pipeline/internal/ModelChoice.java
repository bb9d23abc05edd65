package io.edgeai.gateway.pipeline.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.ModelRunner;

/**
 * The model runners a pipeline's target filter matches, and which of them it uses: without a pin the
 * serving one (the highest ranking while a swap is under way), with a pinned version range the serving one
 * when it is inside the range, else the highest version inside it.
 */
final class ModelChoice {
    private final Map<ModelRunner, Map<String, Object>> runners = new ConcurrentHashMap<>();
    private volatile VersionRange pin;
    private volatile ModelRunner chosen;
    private volatile ModelRunner shadow;

    /** @param range the pinned range, {@code null} for none */
    synchronized void pin(VersionRange range) {
        pin = range;
        choose();
    }

    synchronized void put(ModelRunner runner, Map<String, Object> properties) {
        runners.put(runner, Map.copyOf(properties));
        choose();
    }

    synchronized void remove(ModelRunner runner) {
        runners.remove(runner);
        choose();
    }

    /** @return the runner to use now, {@code null} when none fits */
    ModelRunner get() {
        return chosen;
    }

    /** @return the model's shadow candidate, {@code null} when there is none or it is the runner in use */
    ModelRunner shadow() {
        return shadow;
    }

    /** @return name of the model the runners are versions of, {@code null} when none is bound */
    String modelName() {
        for (ModelRunner r : runners.keySet()) {
            return r.info().name();
        }
        return null;
    }

    private void choose() {
        VersionRange range = pin;
        ModelRunner best = null;
        int bestRanking = Integer.MIN_VALUE;
        Version bestVersion = null;
        for (Map.Entry<ModelRunner, Map<String, Object>> e : runners.entrySet()) {
            Map<String, Object> p = e.getValue();
            boolean serving = !Boolean.FALSE.equals(p.get(EdgeAiConstants.MODEL_SERVING));
            int ranking = p.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
            Version version = version(e.getKey());
            if (range == null || range.includes(version)) {
                // a serving version in range first; among the rest, the highest ranking, then the highest version
                int rank = (serving ? 1 << 30 : 0) + (range == null ? ranking : 0);
                if (range == null && !serving) {
                    continue;
                }
                if (best == null || rank > bestRanking || (rank == bestRanking && version.compareTo(bestVersion) > 0)) {
                    best = e.getKey();
                    bestRanking = rank;
                    bestVersion = version;
                }
            }
        }
        chosen = best;
        ModelRunner candidate = null;
        for (Map.Entry<ModelRunner, Map<String, Object>> e : runners.entrySet()) {
            if (Boolean.TRUE.equals(e.getValue().get(EdgeAiConstants.MODEL_SHADOW)) && e.getKey() != best) {
                candidate = e.getKey();
            }
        }
        shadow = candidate;
    }

    private static Version version(ModelRunner r) {
        try {
            return Version.parseVersion(r.info().version());
        } catch (IllegalArgumentException e) {
            return Version.emptyVersion;
        }
    }
}
