package io.edgeai.gateway.onnx.internal;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.VersionRange;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.ModelEvent;
import io.edgeai.gateway.api.ModelListener;
import io.edgeai.gateway.api.ModelRegistry;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.ModelState;

/**
 * The model extender: tracks bundles with an {@code EdgeAI-Model} header and keeps, per model name, one
 * version serving as a {@link ModelRunner}: the highest that loads and passes its checks, unless an operator
 * rolled back. A new version is loaded, checked and warmed up on the loader thread and registered before the
 * old one is unregistered; the old session is closed after its in-flight inferences finish. A refused version
 * leaves the old one serving. Versions pinned by a consumer ({@link #require}) and the shadow candidate are
 * kept loaded alongside. Every change is told to the {@link ModelListener} services, in order.
 *
 * <p>Which versions serve, shadow or stay pinned is decided by a {@link ServingPlan} from what
 * {@link KnownModels} records; this class carries the plan out (loads, registers, unregisters, tells).
 */
@org.osgi.annotation.bundle.Capability(
        namespace = "osgi.service",
        attribute = "objectClass:List<String>=io.edgeai.gateway.api.TextEncoder",
        uses = io.edgeai.gateway.api.TextEncoder.class)
@org.osgi.annotation.bundle.Capability(
        namespace = "osgi.service",
        attribute = "objectClass:List<String>=io.edgeai.gateway.api.ModelRunner",
        uses = io.edgeai.gateway.api.ModelRunner.class)
@Component(service = ModelRegistry.class, immediate = true, configurationPid = "edgeai.onnx")
@Designate(ocd = OnnxRuntimeConfig.class)
public final class ModelExtender implements ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelExtender.class);

    private final BundleContext context;
    private final ModelLoader modelLoader;
    private final long removalGraceMillis;
    private final boolean shadowNewVersions;
    private final ModelEvents events = new ModelEvents();
    private final LoaderThread loader = new LoaderThread();
    private final BundleTracker<ModelBundle> tracker;

    // everything below is touched on the loader thread only
    private final KnownModels known = new KnownModels();
    /** What the next change of a default version is told as (rollback, promotion); a swap otherwise. */
    private ModelEvent.Type nextChange = ModelEvent.Type.SWAPPED;
    /** Grows with every change of a default version: the service ranking of the newest default. */
    private int generation;
    /** Snapshot for {@link #models()}, rebuilt on the loader thread after every change. */
    private volatile List<ModelState> snapshot = List.of();

    /**
     * @param context this bundle's context
     * @param config runtime settings
     */
    @Activate
    public ModelExtender(BundleContext context, OnnxRuntimeConfig config) {
        this.context = context;
        this.removalGraceMillis = Math.max(0, config.removalGraceMillis());
        this.shadowNewVersions = config.shadowNewVersions();
        ModelSignature signatures = config.secureMode() ? ModelSignature.trusting(config.trustedKeys()) : null;
        if (signatures != null) {
            LOG.info("Secure mode: model bundles need a signature by one of {} trusted keys", signatures.keyCount());
        }
        this.modelLoader = new ModelLoader(context, PerModelSettings.of(config), signatures);
        loader.execute(modelLoader::clearLoadDirectory); // copies left by a JVM that died while loading
        this.tracker = new BundleTracker<>(context, Bundle.STARTING | Bundle.ACTIVE, new Customizer());
        this.tracker.open();
    }

    /** @param listener told of every model event from now on */
    @Reference(name = "listener", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(ModelListener listener) {
        events.addListener(listener);
    }

    void removeListener(ModelListener listener) {
        events.removeListener(listener);
    }

    /** Unregisters every model and frees its session. */
    @Deactivate
    public void deactivate() {
        tracker.close();
        loader.stopAfter(() -> {
            known.loaded.values().forEach(RegisteredModel::retire);
            known.loaded.clear();
        });
    }

    @Override
    public List<ModelState> models() {
        return snapshot;
    }

    @Override
    public List<String> availableProviders() {
        return ExecutionProviders.available();
    }

    @Override
    public String rollback(String name) {
        return loader.call(() -> {
            ModelKey current = known.serving.get(name);
            if (current == null) {
                throw new IllegalStateException("model " + name + " is not serving");
            }
            List<ModelKey> past = known.history.getOrDefault(name, List.of());
            int i = ServingPlan.rollbackTarget(past, current, known::installed, known.refused, known.rolledBack);
            if (i >= 0) {
                ModelKey k = past.get(i);
                known.rolledBack.add(current);
                known.chosen.put(name, k);
                past.subList(i + 1, past.size()).clear();
                nextChange = ModelEvent.Type.ROLLED_BACK;
                reconcile(name);
                ModelKey now = known.serving.get(name);
                if (!k.equals(now)) {
                    throw new IllegalStateException("version " + k.version() + " of " + name + " did not load: "
                            + known.refused.getOrDefault(k, "see the log"));
                }
                LOG.info("Model {} rolled back from {} to {}", name, current.version(), k.version());
                return k.version();
            }
            throw new IllegalStateException("model " + name + " has no earlier version installed to roll back to");
        });
    }

    @Override
    public String shadow(String name, String version) {
        return loader.call(() -> {
            ModelKey current = known.serving.get(name);
            List<ServingPlan.Candidate> candidates = known.candidates(name);
            ModelKey pick = ServingPlan.shadowPick(candidates, current, version, known.refused);
            if (pick == null) {
                throw new IllegalStateException(
                        candidates.isEmpty()
                                ? "model " + name + " is not installed"
                                : version == null
                                        ? "model " + name + " has no installed version besides the serving one"
                                        : "version " + version + " of " + name + " is not installed");
            }
            if (pick.equals(current)) {
                throw new IllegalStateException("version " + pick.version() + " of " + name + " is serving already");
            }
            if (!ensureLoaded(known.bundles.get(pick.bundleId()))) {
                publishSnapshot();
                throw new IllegalStateException(
                        "version " + pick.version() + " of " + name + " is refused: " + known.refused.get(pick));
            }
            known.shadows.put(name, pick);
            reconcile(name);
            return pick.version();
        });
    }

    @Override
    public void shadowOnArrival(String name, String version) {
        loader.call(() -> known.shadowOnArrival.put(name, version));
    }

    @Override
    public String endShadow(String name) {
        return loader.call(() -> {
            known.shadowOnArrival.remove(name);
            if (!known.shadows.containsKey(name)) {
                return null;
            }
            String version = known.shadows.remove(name).version();
            events.fire(ModelEvent.Type.SHADOW_ENDED, name, version, "", "ended by an operator");
            reconcile(name);
            return version;
        });
    }

    @Override
    public String promote(String name) {
        return loader.call(() -> {
            ModelKey candidate = known.shadows.get(name);
            if (candidate == null || !known.loaded.containsKey(candidate)) {
                throw new IllegalStateException("model " + name + " has no shadow candidate to promote");
            }
            known.shadows.remove(name);
            known.rolledBack.remove(candidate);
            known.chosen.put(name, candidate);
            nextChange = ModelEvent.Type.PROMOTED;
            reconcile(name);
            if (!candidate.equals(known.serving.get(name))) {
                throw new IllegalStateException("version " + candidate.version() + " of " + name + " did not serve: "
                        + known.refused.getOrDefault(candidate, "see the log"));
            }
            LOG.info("Model {} promoted: {} serves", name, candidate.version());
            return candidate.version();
        });
    }

    @Override
    public void require(String owner, String name, String versionRange) {
        var pin = new ServingPlan.Pin(name, new VersionRange(versionRange.trim()), versionRange.trim());
        loader.execute(() -> {
            ServingPlan.Pin old = known.pins.put(owner, pin);
            if (old != null && !old.name().equals(name)) {
                reconcile(old.name());
            }
            reconcile(name);
        });
    }

    @Override
    public void release(String owner) {
        loader.execute(() -> {
            ServingPlan.Pin old = known.pins.remove(owner);
            if (old != null) {
                reconcile(old.name());
            }
        });
    }

    private final class Customizer implements BundleTrackerCustomizer<ModelBundle> {
        @Override
        public ModelBundle addingBundle(Bundle bundle, BundleEvent event) {
            if (bundle.getHeaders("").get(EdgeAiConstants.MODEL_HEADER) == null) {
                return null;
            }
            ModelBundle mb = ModelBundle.of(bundle);
            loader.execute(() -> {
                known.bundles.put(bundle.getBundleId(), mb);
                ModelKey current = known.serving.get(mb.name());
                boolean asked =
                        mb.descriptor() != null && mb.versionText().equals(known.shadowOnArrival.get(mb.name()));
                if (asked) {
                    known.shadowOnArrival.remove(mb.name());
                }
                if (mb.descriptor() != null
                        && ServingPlan.arrivesInShadow(
                                new ServingPlan.Candidate(ModelKey.of(mb), mb.version()),
                                current,
                                asked,
                                shadowNewVersions)) {
                    // shadow first: the serving version stays chosen, the new one scores alongside
                    known.chosen.put(mb.name(), current);
                    known.shadows.put(mb.name(), ModelKey.of(mb));
                } else {
                    // a new version is a new deployment: the operator's earlier choice no longer holds
                    known.chosen.remove(mb.name());
                }
                reconcile(mb.name());
            });
            return mb;
        }

        @Override
        public void modifiedBundle(Bundle bundle, BundleEvent event, ModelBundle mb) {
            // a state change between STARTING and ACTIVE changes nothing for a data bundle
        }

        @Override
        public void removedBundle(Bundle bundle, BundleEvent event, ModelBundle mb) {
            loader.execute(() -> {
                known.bundles.remove(bundle.getBundleId());
                ModelKey key = ModelKey.of(mb);
                known.refused.remove(key);
                known.rolledBack.remove(key);
                if (known.loaded.containsKey(key) && removalGraceMillis > 0) {
                    // bundle:update stops the bundle and starts it again with new content: keep serving until
                    // the new content arrives instead of detouring through an older version
                    loader.schedule(() -> reconcile(mb.name()), removalGraceMillis);
                    publishSnapshot();
                } else {
                    reconcile(mb.name());
                    // an uninstall stops the bundle first: the tracker sees it leave then, so both read the same
                    events.fire(
                            ModelEvent.Type.REMOVED, mb.name(), mb.versionText(), "", "bundle stopped or uninstalled");
                    publishSnapshot();
                }
            });
        }
    }

    /**
     * Brings the loaded and registered versions of {@code name} in line with what should serve: asks the
     * {@link ServingPlan}, loads what it names until it names nothing more, then carries the plan out.
     */
    private void reconcile(String name) {
        ServingPlan.Plan plan = ServingPlan.plan(known.inputs(name));
        while (true) {
            if (plan.shadowEnded() != null && known.shadows.containsKey(name)) {
                String ended = known.shadows.remove(name).version();
                events.fire(ModelEvent.Type.SHADOW_ENDED, name, ended, "", plan.shadowEnded());
            }
            if (plan.load() == null) {
                break;
            }
            ensureLoaded(known.bundles.get(plan.load().bundleId()));
            plan = ServingPlan.plan(known.inputs(name));
        }
        ModelKey def = plan.serve();
        ModelKey shadow = plan.shadow();
        ModelKey current = known.serving.get(name);
        ModelEvent.Type change = nextChange;
        nextChange = ModelEvent.Type.SWAPPED;

        // register the new default before the old one goes, so a consumer always finds a serving version
        if (def != null && !def.equals(current)) {
            generation++;
            known.loaded.get(def).mark(true, false, generation);
            known.serving.put(name, def);
            known.history.computeIfAbsent(name, n -> new ArrayList<>()).add(def);
            LOG.info(
                    "Model {} now serves as {}{}",
                    name,
                    def.version(),
                    current == null ? "" : " (was " + current.version() + ")");
        } else if (def == null && current != null) {
            known.serving.remove(name);
            LOG.info("Model {} has no loadable version left", name);
        }
        boolean newShadow = false;
        List<ModelKey> ofModel = known.loadedOf(name);
        List<ModelKey> unregister = plan.unregister(ofModel);
        for (ModelKey k : ofModel) {
            RegisteredModel l = known.loaded.get(k);
            if (unregister.contains(k)) {
                known.loaded.remove(k).retire();
            } else if (!k.equals(def)) {
                boolean isShadow = k.equals(shadow);
                newShadow |= isShadow && !l.shadow();
                l.mark(false, isShadow, 0);
            }
        }
        if (def != null && !def.equals(current)) {
            events.fire(change, name, def.version(), current == null ? "" : current.version(), "");
        } else if (def == null && current != null) {
            events.fire(ModelEvent.Type.UNAVAILABLE, name, current.version(), "", "no loadable version installed");
        }
        if (newShadow) {
            LOG.info("Model {}: version {} scores live traffic in shadow", name, shadow.version());
            events.fire(ModelEvent.Type.SHADOW, name, shadow.version(), def == null ? "" : def.version(), "");
        }
        publishSnapshot();
    }

    /** Loads and registers (not serving) a version unless already loaded; false when it is refused. */
    private boolean ensureLoaded(ModelBundle mb) {
        ModelKey key = ModelKey.of(mb);
        if (known.loaded.containsKey(key)) {
            return true;
        }
        if (known.refused.containsKey(key)) {
            return false;
        }
        LoadedModel runner;
        try {
            runner = modelLoader.load(mb);
        } catch (ModelLoadException e) {
            refuse(mb, e.getMessage());
            return false;
        }
        known.loaded.put(key, RegisteredModel.register(context, runner));
        events.fire(
                ModelEvent.Type.LOADED,
                mb.name(),
                mb.versionText(),
                "",
                runner.info().sha256());
        return true;
    }

    private void refuse(ModelBundle mb, String why) {
        known.refused.put(ModelKey.of(mb), why);
        LOG.warn("Model {}@{} from {} refused: {}", mb.name(), mb.versionText(), mb.location(), why);
        events.fire(ModelEvent.Type.REFUSED, mb.name(), mb.versionText(), "", why);
    }

    private void publishSnapshot() {
        snapshot = known.states();
        events.deliver();
    }
}
