package io.edgeai.gateway.nlp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.osgi.framework.VersionRange;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.ModelVersionRule;

/**
 * The versions of each model a text pipeline sees (encoders or heads), and per model name which one answers
 * live text and which is the shadow candidate: {@link ModelVersionRule}, the anomaly pipelines' rule, applied
 * per name on every change. A shadow candidate never answers live text, and a candidate or pinned version
 * that goes away leaves the serving version in place.
 *
 * @param <T> the service type
 */
final class ServingVersions<T> {
    private static final ModelVersionRule.Choice<?> NONE = new ModelVersionRule.Choice<>(null, null);

    private final Map<T, Entry<T>> services = new ConcurrentHashMap<>();
    private final Map<String, ModelVersionRule.Choice<T>> chosen = new ConcurrentHashMap<>();
    private final Map<String, VersionRange> pins = new ConcurrentHashMap<>();
    private final Function<T, String> version;

    private record Entry<T>(String name, ModelVersionRule.Candidate<T> candidate) {}

    /** @param version a service's model version */
    ServingVersions(Function<T, String> version) {
        this.version = version;
    }

    /** Adds a service, or takes its changed properties. */
    synchronized void put(T service, Map<String, Object> properties) {
        String name = String.valueOf(properties.get(EdgeAiConstants.MODEL_NAME));
        Entry<T> old = services.put(
                service, new Entry<>(name, ModelVersionRule.Candidate.of(service, version.apply(service), properties)));
        if (old != null && !old.name().equals(name)) {
            choose(old.name());
        }
        choose(name);
    }

    /** Removes a service. */
    synchronized void remove(T service) {
        Entry<T> old = services.remove(service);
        if (old != null) {
            choose(old.name());
        }
    }

    /**
     * Pins a model to a version range, or removes the pin.
     *
     * @param name model name
     * @param range the range, {@code null} for none
     */
    synchronized void pin(String name, VersionRange range) {
        if (range == null) {
            pins.remove(name);
        } else {
            pins.put(name, range);
        }
        choose(name);
    }

    /** @return the version of the model called {@code name} that answers live text, {@code null} when none */
    T get(String name) {
        return choice(name).use();
    }

    /** @return the shadow candidate of the model called {@code name}, {@code null} when there is none */
    T shadow(String name) {
        return choice(name).shadow();
    }

    @SuppressWarnings("unchecked")
    private ModelVersionRule.Choice<T> choice(String name) {
        return chosen.getOrDefault(name, (ModelVersionRule.Choice<T>) NONE);
    }

    private void choose(String name) {
        List<ModelVersionRule.Candidate<T>> versions = new ArrayList<>();
        for (Entry<T> e : services.values()) {
            if (e.name().equals(name)) {
                versions.add(e.candidate());
            }
        }
        if (versions.isEmpty()) {
            chosen.remove(name);
        } else {
            chosen.put(name, ModelVersionRule.choose(versions, pins.get(name)));
        }
    }
}
