package io.edgeai.gateway.onnx.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.Version;

import io.edgeai.gateway.api.ModelState;

/**
 * What the model extender knows: the model bundles, which versions are loaded, refused, serving, shadow,
 * chosen or rolled back from, and the consumers' pins. Touched on the extender's loader thread only; no side
 * effects. {@link #inputs} is what a {@link ServingPlan} is made from, {@link #states} what operators see.
 */
final class KnownModels {
    /** Tracked model bundles by bundle id. */
    final Map<Long, ModelBundle> bundles = new HashMap<>();
    /** Refusal reasons of versions that failed their checks. */
    final Map<ModelKey, String> refused = new HashMap<>();
    /** Loaded, registered runners. */
    final Map<ModelKey, RegisteredModel> loaded = new HashMap<>();
    /** The version serving by default, per model name. */
    final Map<String, ModelKey> serving = new HashMap<>();
    /** Versions an operator chose (rollback), per model name; cleared when a new version arrives. */
    final Map<String, ModelKey> chosen = new HashMap<>();
    /** Versions rolled back from: never chosen automatically again while installed. */
    final Set<ModelKey> rolledBack = new HashSet<>();
    /** Versions that served by default, oldest first, per model name. */
    final Map<String, List<ModelKey>> history = new HashMap<>();
    /** The shadow candidate, per model name. */
    final Map<String, ModelKey> shadows = new HashMap<>();
    /** Versions asked to arrive as shadow candidates, per model name. */
    final Map<String, String> shadowOnArrival = new HashMap<>();
    /** Version ranges consumers asked for, by owner. */
    final Map<String, ServingPlan.Pin> pins = new LinkedHashMap<>();

    boolean installed(ModelKey k) {
        ModelBundle mb = bundles.get(k.bundleId());
        return mb != null && ModelKey.of(mb).equals(k);
    }

    /** @return installed versions of the model, highest first */
    List<ServingPlan.Candidate> candidates(String name) {
        List<ModelBundle> ofModel = new ArrayList<>();
        for (ModelBundle mb : bundles.values()) {
            if (mb.name().equals(name)) {
                ofModel.add(mb);
            }
        }
        ofModel.sort(Comparator.comparing(ModelBundle::version).reversed());
        List<ServingPlan.Candidate> candidates = new ArrayList<>();
        for (ModelBundle mb : ofModel) {
            candidates.add(new ServingPlan.Candidate(ModelKey.of(mb), mb.version()));
        }
        return candidates;
    }

    /** @return the loaded versions of the model */
    List<ModelKey> loadedOf(String name) {
        List<ModelKey> keys = new ArrayList<>();
        loaded.forEach((k, l) -> {
            if (l.runner.info().name().equals(name)) {
                keys.add(k);
            }
        });
        return keys;
    }

    /** @return what a serving plan for the model is made from */
    ServingPlan.Inputs inputs(String name) {
        return new ServingPlan.Inputs(
                name,
                candidates(name),
                Set.copyOf(loaded.keySet()),
                refused,
                chosen.get(name),
                rolledBack,
                shadows.get(name),
                pins.values());
    }

    /** @return every model bundle's state, by name and version */
    List<ModelState> states() {
        List<ModelState> list = new ArrayList<>();
        for (ModelBundle mb : bundles.values()) {
            ModelKey key = ModelKey.of(mb);
            String why = refused.get(key);
            RegisteredModel l = loaded.get(key);
            if (key.equals(serving.get(mb.name()))) {
                list.add(new ModelState(
                        mb.name(), mb.versionText(), ModelState.Status.ACTIVE, "", l.runner.info(), mb.location()));
            } else if (l != null && key.equals(shadows.get(mb.name()))) {
                list.add(new ModelState(
                        mb.name(),
                        mb.versionText(),
                        ModelState.Status.SHADOW,
                        "shadow candidate",
                        l.runner.info(),
                        mb.location()));
            } else if (l != null) {
                list.add(new ModelState(
                        mb.name(),
                        mb.versionText(),
                        ModelState.Status.ACTIVE,
                        "pinned by " + pinOwners(mb.name(), key),
                        l.runner.info(),
                        mb.location()));
            } else if (why != null) {
                list.add(new ModelState(
                        mb.name(), mb.versionText(), ModelState.Status.FAILED, why, null, mb.location()));
            } else {
                list.add(new ModelState(
                        mb.name(),
                        mb.versionText(),
                        ModelState.Status.STANDBY,
                        rolledBack.contains(key) ? "rolled back from" : "standby",
                        null,
                        mb.location()));
            }
        }
        list.sort(Comparator.comparing(ModelState::name).thenComparing(s -> ServingPlan.parseOrZero(s.version())));
        return List.copyOf(list);
    }

    private String pinOwners(String name, ModelKey key) {
        List<String> owners = new ArrayList<>();
        pins.forEach((owner, pin) -> {
            if (pin.name().equals(name) && pin.range().includes(Version.parseVersion(key.version()))) {
                owners.add(owner + " " + pin.text());
            }
        });
        return String.join(", ", owners);
    }
}
