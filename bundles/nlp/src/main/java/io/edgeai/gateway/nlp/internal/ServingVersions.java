package io.edgeai.gateway.nlp.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;

import io.edgeai.gateway.api.EdgeAiConstants;

/**
 * The versions of each model a text pipeline sees (encoders or heads), and which one serves a name: the
 * anomaly pipeline's rule without a pin. Only a version registered as serving is used (a shadow or
 * otherwise non-serving candidate never answers live text); among serving versions the highest service
 * ranking wins (a swap under way), then the highest version. Removing one version falls back to the
 * others, so a candidate that goes away leaves the serving version in place.
 *
 * @param <T> the service type
 */
final class ServingVersions<T> {
    private final Map<T, Map<String, Object>> services = new ConcurrentHashMap<>();
    private final Map<String, T> serving = new ConcurrentHashMap<>();
    private final Function<T, String> version;

    /** @param version a service's model version */
    ServingVersions(Function<T, String> version) {
        this.version = version;
    }

    /** Adds a service, or takes its changed properties. */
    synchronized void put(T service, Map<String, Object> properties) {
        Map<String, Object> old = services.put(service, Map.copyOf(properties));
        if (old != null) {
            choose(name(old));
        }
        choose(name(properties));
    }

    /** Removes a service. */
    synchronized void remove(T service) {
        Map<String, Object> old = services.remove(service);
        if (old != null) {
            choose(name(old));
        }
    }

    /** @return the serving version of the model called {@code name}, {@code null} when none serves */
    T get(String name) {
        return serving.get(name);
    }

    private void choose(String name) {
        T best = null;
        int bestRanking = 0;
        Version bestVersion = null;
        for (Map.Entry<T, Map<String, Object>> e : services.entrySet()) {
            Map<String, Object> p = e.getValue();
            if (!name.equals(name(p)) || Boolean.FALSE.equals(p.get(EdgeAiConstants.MODEL_SERVING))) {
                continue;
            }
            int ranking = p.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
            Version v = parse(version.apply(e.getKey()));
            if (best == null || ranking > bestRanking || (ranking == bestRanking && v.compareTo(bestVersion) > 0)) {
                best = e.getKey();
                bestRanking = ranking;
                bestVersion = v;
            }
        }
        if (best == null) {
            serving.remove(name);
        } else {
            serving.put(name, best);
        }
    }

    private static String name(Map<String, Object> properties) {
        return String.valueOf(properties.get(EdgeAiConstants.MODEL_NAME));
    }

    private static Version parse(String v) {
        try {
            return Version.parseVersion(v);
        } catch (IllegalArgumentException e) {
            return Version.emptyVersion;
        }
    }
}
