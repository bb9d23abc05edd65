package io.edgeai.gateway.onnx.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
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
 */
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service",
        attribute = "objectClass:List<String>=io.edgeai.gateway.api.TextEncoder", uses = io.edgeai.gateway.api.TextEncoder.class)
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service",
        attribute = "objectClass:List<String>=io.edgeai.gateway.api.ModelRunner", uses = io.edgeai.gateway.api.ModelRunner.class)
@Component(service = ModelRegistry.class, immediate = true, configurationPid = "edgeai.onnx")
@Designate(ocd = OnnxRuntimeConfig.class)
public final class ModelExtender implements ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelExtender.class);
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final BundleContext context;
    private final PerModelSettings settings;
    private final long removalGraceMillis;
    /** Signature checker in secure mode, {@code null} when secure mode is off. */
    private final ModelSignature signatures;
    private final boolean shadowNewVersions;
    private final List<ModelListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService loader;
    private final BundleTracker<ModelBundle> tracker;

    // everything below is touched on the loader thread only
    /** Tracked model bundles by bundle id. */
    private final Map<Long, ModelBundle> bundles = new HashMap<>();
    /** Refusal reasons of versions that failed their checks. */
    private final Map<ModelKey, String> refused = new HashMap<>();
    /** Loaded, registered runners. */
    private final Map<ModelKey, Loaded> loaded = new HashMap<>();
    /** The version serving by default, per model name. */
    private final Map<String, ModelKey> serving = new HashMap<>();
    /** Versions an operator chose (rollback), per model name; cleared when a new version arrives. */
    private final Map<String, ModelKey> chosen = new HashMap<>();
    /** Versions rolled back from: never chosen automatically again while installed. */
    private final Set<ModelKey> rolledBack = new HashSet<>();
    /** Versions that served by default, oldest first, per model name. */
    private final Map<String, List<ModelKey>> history = new HashMap<>();
    /** The shadow candidate, per model name. */
    private final Map<String, ModelKey> shadows = new HashMap<>();
    /** Versions asked to arrive as shadow candidates ({@link #shadowOnArrival}), per model name. */
    private final Map<String, String> shadowOnArrival = new HashMap<>();
    /** What the next change of a default version is told as (rollback, promotion); a swap otherwise. */
    private ModelEvent.Type nextChange = ModelEvent.Type.SWAPPED;
    /** Events not yet told to the listeners. */
    private final List<ModelEvent> pendingEvents = new ArrayList<>();
    /** Version ranges consumers asked for, by owner. */
    private final Map<String, Pin> pins = new LinkedHashMap<>();
    /** Grows with every change of a default version: the service ranking of the newest default. */
    private int generation;
    /** Snapshot for {@link #models()}, rebuilt on the loader thread after every change. */
    private volatile List<ModelState> snapshot = List.of();

    /** A registered runner and the role its service properties announce. */
    private static final class Loaded {
        final LoadedModel runner;
        final ServiceRegistration<?> registration;
        boolean serving;
        boolean shadow;
        int ranking;

        Loaded(LoadedModel runner, ServiceRegistration<?> registration) {
            this.runner = runner;
            this.registration = registration;
        }

        /** Changes the service properties when the role changed. */
        void mark(boolean isServing, boolean isShadow, int rank) {
            if (isServing == serving && isShadow == shadow && rank == ranking) {
                return;
            }
            serving = isServing;
            shadow = isShadow;
            ranking = rank;
            registration.setProperties(properties(runner, isServing, isShadow, rank));
        }
    }

    private record Pin(String name, VersionRange range, String text) {
    }

    /**
     * @param context this bundle's context
     * @param config runtime settings
     */
    @Activate
    public ModelExtender(BundleContext context, OnnxRuntimeConfig config) {
        this.context = context;
        this.settings = PerModelSettings.of(config);
        this.removalGraceMillis = Math.max(0, config.removalGraceMillis());
        this.shadowNewVersions = config.shadowNewVersions();
        this.signatures = config.secureMode() ? ModelSignature.trusting(config.trustedKeys()) : null;
        if (signatures != null) {
            LOG.info("Secure mode: model bundles need a signature by one of {} trusted keys", signatures.keyCount());
        }
        this.loader = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "edgeai-model-loader"));
        loader.execute(this::clearLoadDirectory); // copies left by a JVM that died while loading
        this.tracker = new BundleTracker<>(context, Bundle.STARTING | Bundle.ACTIVE, new Customizer());
        this.tracker.open();
    }

    /** @param listener told of every model event from now on */
    @Reference(name = "listener", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(ModelListener listener) {
        listeners.add(listener);
    }

    void removeListener(ModelListener listener) {
        listeners.remove(listener);
    }

    /** Queues an event; listeners hear it once {@link #models()} shows the change (see publishSnapshot). */
    private void fire(ModelEvent.Type type, String name, String version, String previous, String detail) {
        pendingEvents.add(new ModelEvent(type, name, version, previous, detail, System.currentTimeMillis()));
    }

    private void deliverEvents() {
        while (!pendingEvents.isEmpty()) {
            ModelEvent event = pendingEvents.remove(0);
            for (ModelListener l : listeners) {
                try {
                    l.modelChanged(event);
                } catch (RuntimeException e) {
                    LOG.warn("Model listener {} failed on {}", l.getClass().getName(), event, e);
                }
            }
        }
    }

    /** Unregisters every model and frees its session. */
    @Deactivate
    public void deactivate() {
        tracker.close();
        loader.execute(() -> {
            loaded.values().forEach(ModelExtender::retire);
            loaded.clear();
        });
        loader.shutdown();
        try {
            if (!loader.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Model loader did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        return onLoader(() -> {
            ModelKey current = serving.get(name);
            if (current == null) {
                throw new IllegalStateException("model " + name + " is not serving");
            }
            List<ModelKey> past = history.getOrDefault(name, List.of());
            for (int i = past.size() - 1; i >= 0; i--) {
                ModelKey k = past.get(i);
                if (k.equals(current) || !installed(k) || refused.containsKey(k) || rolledBack.contains(k)) {
                    continue;
                }
                rolledBack.add(current);
                chosen.put(name, k);
                past.subList(i + 1, past.size()).clear();
                nextChange = ModelEvent.Type.ROLLED_BACK;
                reconcile(name);
                ModelKey now = serving.get(name);
                if (!k.equals(now)) {
                    throw new IllegalStateException("version " + k.version() + " of " + name + " did not load: "
                            + refused.getOrDefault(k, "see the log"));
                }
                LOG.info("Model {} rolled back from {} to {}", name, current.version(), k.version());
                return k.version();
            }
            throw new IllegalStateException("model " + name + " has no earlier version installed to roll back to");
        });
    }

    @Override
    public String shadow(String name, String version) {
        return onLoader(() -> {
            ModelKey current = serving.get(name);
            ModelKey pick = null;
            List<ModelBundle> candidates = candidates(name);
            for (ModelBundle mb : candidates) {
                ModelKey k = ModelKey.of(mb);
                boolean wanted = version == null ? !k.equals(current) : mb.versionText().equals(version);
                if (wanted && (version != null || !refused.containsKey(k))) {
                    pick = k;
                    break;
                }
            }
            if (pick == null) {
                throw new IllegalStateException(candidates.isEmpty() ? "model " + name + " is not installed"
                        : version == null ? "model " + name + " has no installed version besides the serving one"
                        : "version " + version + " of " + name + " is not installed");
            }
            if (pick.equals(current)) {
                throw new IllegalStateException("version " + pick.version() + " of " + name + " is serving already");
            }
            if (!ensureLoaded(bundles.get(pick.bundleId()))) {
                publishSnapshot();
                throw new IllegalStateException("version " + pick.version() + " of " + name + " is refused: "
                        + refused.get(pick));
            }
            shadows.put(name, pick);
            reconcile(name);
            return pick.version();
        });
    }

    @Override
    public void shadowOnArrival(String name, String version) {
        onLoader(() -> shadowOnArrival.put(name, version));
    }

    @Override
    public String endShadow(String name) {
        return onLoader(() -> {
            shadowOnArrival.remove(name);
            if (!shadows.containsKey(name)) {
                return null;
            }
            String version = shadows.remove(name).version();
            fire(ModelEvent.Type.SHADOW_ENDED, name, version, "", "ended by an operator");
            reconcile(name);
            return version;
        });
    }

    @Override
    public String promote(String name) {
        return onLoader(() -> {
            ModelKey candidate = shadows.get(name);
            if (candidate == null || !loaded.containsKey(candidate)) {
                throw new IllegalStateException("model " + name + " has no shadow candidate to promote");
            }
            shadows.remove(name);
            rolledBack.remove(candidate);
            chosen.put(name, candidate);
            nextChange = ModelEvent.Type.PROMOTED;
            reconcile(name);
            if (!candidate.equals(serving.get(name))) {
                throw new IllegalStateException("version " + candidate.version() + " of " + name + " did not serve: "
                        + refused.getOrDefault(candidate, "see the log"));
            }
            LOG.info("Model {} promoted: {} serves", name, candidate.version());
            return candidate.version();
        });
    }

    @Override
    public void require(String owner, String name, String versionRange) {
        Pin pin = new Pin(name, new VersionRange(versionRange.trim()), versionRange.trim());
        loader.execute(() -> {
            Pin old = pins.put(owner, pin);
            if (old != null && !old.name().equals(name)) {
                reconcile(old.name());
            }
            reconcile(name);
        });
    }

    @Override
    public void release(String owner) {
        loader.execute(() -> {
            Pin old = pins.remove(owner);
            if (old != null) {
                reconcile(old.name());
            }
        });
    }

    private <T> T onLoader(java.util.concurrent.Callable<T> task) {
        try {
            return loader.submit(task).get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("model loader busy for more than " + COMMAND_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private final class Customizer implements BundleTrackerCustomizer<ModelBundle> {
        @Override
        public ModelBundle addingBundle(Bundle bundle, BundleEvent event) {
            if (bundle.getHeaders("").get(EdgeAiConstants.MODEL_HEADER) == null) {
                return null;
            }
            ModelBundle mb = ModelBundle.of(bundle);
            loader.execute(() -> {
                bundles.put(bundle.getBundleId(), mb);
                ModelKey current = serving.get(mb.name());
                boolean asked = mb.descriptor() != null && mb.versionText().equals(shadowOnArrival.get(mb.name()));
                if (asked) {
                    shadowOnArrival.remove(mb.name());
                }
                if (current != null && mb.descriptor() != null && !ModelKey.of(mb).equals(current) && (asked
                        || shadowNewVersions && mb.version().compareTo(Version.parseVersion(safe(current.version()))) > 0)) {
                    // shadow first: the serving version stays chosen, the new one scores alongside
                    chosen.put(mb.name(), current);
                    shadows.put(mb.name(), ModelKey.of(mb));
                } else {
                    // a new version is a new deployment: the operator's earlier choice no longer holds
                    chosen.remove(mb.name());
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
                bundles.remove(bundle.getBundleId());
                ModelKey key = ModelKey.of(mb);
                refused.remove(key);
                rolledBack.remove(key);
                if (loaded.containsKey(key) && removalGraceMillis > 0) {
                    // bundle:update stops the bundle and starts it again with new content: keep serving until
                    // the new content arrives instead of detouring through an older version
                    loader.schedule(() -> reconcile(mb.name()), removalGraceMillis, TimeUnit.MILLISECONDS);
                    publishSnapshot();
                } else {
                    reconcile(mb.name());
                    // an uninstall stops the bundle first: the tracker sees it leave then, so both read the same
                    fire(ModelEvent.Type.REMOVED, mb.name(), mb.versionText(), "", "bundle stopped or uninstalled");
                    publishSnapshot();
                }
            });
        }
    }

    private boolean installed(ModelKey k) {
        ModelBundle mb = bundles.get(k.bundleId());
        return mb != null && ModelKey.of(mb).equals(k);
    }

    /** @return installed bundles of the model, highest version first */
    private List<ModelBundle> candidates(String name) {
        List<ModelBundle> candidates = new ArrayList<>();
        for (ModelBundle mb : bundles.values()) {
            if (mb.name().equals(name)) {
                candidates.add(mb);
            }
        }
        candidates.sort(Comparator.comparing(ModelBundle::version).reversed());
        return candidates;
    }

    /** Brings the loaded and registered versions of {@code name} in line with what should serve. */
    private void reconcile(String name) {
        List<ModelBundle> candidates = candidates(name);

        ModelKey def = null;
        ModelKey pick = chosen.get(name);
        if (pick != null && installed(pick) && ensureLoaded(bundles.get(pick.bundleId()))) {
            def = pick;
        }
        for (Iterator<ModelBundle> it = candidates.iterator(); def == null && it.hasNext();) {
            ModelBundle mb = it.next();
            if (!rolledBack.contains(ModelKey.of(mb)) && ensureLoaded(mb)) {
                def = ModelKey.of(mb);
            }
        }
        ModelKey current = serving.get(name);
        ModelEvent.Type change = nextChange;
        nextChange = ModelEvent.Type.SWAPPED;

        Set<ModelKey> wanted = new HashSet<>();
        if (def != null) {
            wanted.add(def);
        }
        ModelKey shadow = shadows.get(name);
        if (shadow != null && (shadow.equals(def) || !installed(shadow) || !ensureLoaded(bundles.get(shadow.bundleId())))) {
            shadows.remove(name);
            fire(ModelEvent.Type.SHADOW_ENDED, name, shadow.version(), "", shadow.equals(def) ? "serving now"
                    : installed(shadow) ? "refused: " + refused.get(shadow) : "uninstalled");
            shadow = null;
        }
        if (shadow != null) {
            wanted.add(shadow);
        }
        for (Pin pin : pins.values()) {
            if (!pin.name().equals(name) || (def != null && pin.range().includes(Version.parseVersion(def.version())))) {
                continue;
            }
            for (ModelBundle mb : candidates) {
                if (pin.range().includes(mb.version()) && ensureLoaded(mb)) {
                    wanted.add(ModelKey.of(mb));
                    break;
                }
            }
        }

        // register the new default before the old one goes, so a consumer always finds a serving version
        if (def != null && !def.equals(current)) {
            generation++;
            loaded.get(def).mark(true, false, generation);
            serving.put(name, def);
            history.computeIfAbsent(name, n -> new ArrayList<>()).add(def);
            LOG.info("Model {} now serves as {}{}", name, def.version(),
                    current == null ? "" : " (was " + current.version() + ")");
        } else if (def == null && current != null) {
            serving.remove(name);
            LOG.info("Model {} has no loadable version left", name);
        }
        boolean newShadow = false;
        for (Iterator<Map.Entry<ModelKey, Loaded>> it = loaded.entrySet().iterator(); it.hasNext();) {
            Map.Entry<ModelKey, Loaded> e = it.next();
            Loaded l = e.getValue();
            if (!l.runner.info().name().equals(name)) {
                continue;
            }
            if (!wanted.contains(e.getKey())) {
                it.remove();
                retire(l);
            } else if (!e.getKey().equals(def)) {
                boolean isShadow = e.getKey().equals(shadow);
                newShadow |= isShadow && !l.shadow;
                l.mark(false, isShadow, 0);
            }
        }
        if (def != null && !def.equals(current)) {
            fire(change, name, def.version(), current == null ? "" : current.version(), "");
        } else if (def == null && current != null) {
            fire(ModelEvent.Type.UNAVAILABLE, name, current.version(), "", "no loadable version installed");
        }
        if (newShadow) {
            LOG.info("Model {}: version {} scores live traffic in shadow", name, shadow.version());
            fire(ModelEvent.Type.SHADOW, name, shadow.version(), def == null ? "" : def.version(), "");
        }
        publishSnapshot();
    }

    /** Loads and registers (not serving) a version unless already loaded; false when it is refused. */
    private boolean ensureLoaded(ModelBundle mb) {
        ModelKey key = ModelKey.of(mb);
        if (loaded.containsKey(key)) {
            return true;
        }
        if (refused.containsKey(key)) {
            return false;
        }
        LoadedModel runner = tryLoad(mb);
        if (runner == null) {
            return false;
        }
        ServiceRegistration<?> reg = context.registerService(runner.serviceNames(), runner,
                properties(runner, false, false, 0));
        loaded.put(key, new Loaded(runner, reg));
        fire(ModelEvent.Type.LOADED, mb.name(), mb.versionText(), "", runner.info().sha256());
        return true;
    }

    private static Dictionary<String, Object> properties(LoadedModel runner, boolean isServing, boolean isShadow,
            int ranking) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EdgeAiConstants.MODEL_NAME, runner.info().name());
        props.put(EdgeAiConstants.MODEL_VERSION, runner.info().version());
        props.put(EdgeAiConstants.MODEL_SERVING, isServing);
        props.put(EdgeAiConstants.MODEL_SHADOW, isShadow);
        props.put(Constants.SERVICE_RANKING, ranking);
        props.put(Constants.SERVICE_DESCRIPTION, "ONNX model " + runner.info().id());
        return props;
    }

    private LoadedModel tryLoad(ModelBundle mb) {
        if (mb.error() != null) {
            refuse(mb, mb.error());
            return null;
        }
        long start = System.nanoTime();
        ModelSource model = null;
        try {
            model = mb.model(loadDirectory());
            if (signatures != null) {
                String why = signatures.check(mb.descriptorBytes(), model.sha256(), mb.signature());
                if (why != null) {
                    refuse(mb, why);
                    return null;
                }
            }
            LoadedModel runner = mb.descriptor().isTextEncoder()
                    ? OrtTextEncoder.load(mb.descriptor(), model, mb.resourceBytes(mb.descriptor().tokenizer()),
                            settings.forModel(mb.name()), mb.location())
                    : OrtModelRunner.load(mb.descriptor(), model, settings.forModel(mb.name()), mb.location());
            LOG.info("Model {} loaded, checked and warmed up in {} ms on {}", runner.info().id(),
                    (System.nanoTime() - start) / 1_000_000, runner.info().provider());
            return runner;
        } catch (ModelLoadException e) {
            refuse(mb, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            refuse(mb, "unexpected failure: " + e);
        } finally {
            if (model != null) {
                model.discard();
            }
        }
        return null;
    }

    /**
     * @return where model files are copied for ONNX Runtime to read (this bundle's data area), or null to load
     *         them through memory where the framework has no file system for bundles
     */
    private Path loadDirectory() {
        File dir = context.getDataFile("loading");
        return dir == null ? null : dir.toPath();
    }

    private void clearLoadDirectory() {
        Path dir = loadDirectory();
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.debug("Cannot clear {}: {}", dir, e.toString());
        }
    }

    private void refuse(ModelBundle mb, String why) {
        refused.put(ModelKey.of(mb), why);
        LOG.warn("Model {}@{} from {} refused: {}", mb.name(), mb.versionText(), mb.location(), why);
        fire(ModelEvent.Type.REFUSED, mb.name(), mb.versionText(), "", why);
    }

    private static void retire(Loaded l) {
        try {
            l.registration.unregister();
        } catch (IllegalStateException e) {
            // already unregistered
        }
        l.runner.close();
    }

    private void publishSnapshot() {
        List<ModelState> list = new ArrayList<>();
        for (ModelBundle mb : bundles.values()) {
            ModelKey key = ModelKey.of(mb);
            String why = refused.get(key);
            Loaded l = loaded.get(key);
            if (key.equals(serving.get(mb.name()))) {
                list.add(new ModelState(mb.name(), mb.versionText(), ModelState.Status.ACTIVE, "", l.runner.info(),
                        mb.location()));
            } else if (l != null && key.equals(shadows.get(mb.name()))) {
                list.add(new ModelState(mb.name(), mb.versionText(), ModelState.Status.SHADOW,
                        "shadow candidate", l.runner.info(), mb.location()));
            } else if (l != null) {
                list.add(new ModelState(mb.name(), mb.versionText(), ModelState.Status.ACTIVE,
                        "pinned by " + pinOwners(mb.name(), key), l.runner.info(), mb.location()));
            } else if (why != null) {
                list.add(new ModelState(mb.name(), mb.versionText(), ModelState.Status.FAILED, why, null,
                        mb.location()));
            } else {
                list.add(new ModelState(mb.name(), mb.versionText(), ModelState.Status.STANDBY,
                        rolledBack.contains(key) ? "rolled back from" : "standby", null, mb.location()));
            }
        }
        list.sort(Comparator.comparing(ModelState::name).thenComparing(s -> Version.parseVersion(safe(s.version()))));
        snapshot = List.copyOf(list);
        deliverEvents();
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

    private static String safe(String version) {
        try {
            Version.parseVersion(version);
            return version;
        } catch (IllegalArgumentException e) {
            return "0";
        }
    }
}
