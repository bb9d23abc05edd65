package io.edgeai.gateway.onnx.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.ModelRegistry;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.ModelState;

/**
 * The model extender: tracks bundles with an {@code EdgeAI-Model} header and keeps, per model name, the
 * highest version that loads and passes its checks registered as a {@link ModelRunner}. A new version is
 * loaded, checked and warmed up on the loader thread before it replaces the old one; the old session is
 * closed after its in-flight inferences finish. A refused version leaves the old one serving.
 */
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service",
        attribute = "objectClass:List<String>=io.edgeai.gateway.api.ModelRunner", uses = io.edgeai.gateway.api.ModelRunner.class)
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service",
        attribute = "objectClass:List<String>=io.edgeai.gateway.api.TextEncoder", uses = io.edgeai.gateway.api.TextEncoder.class)
@Component(service = ModelRegistry.class, immediate = true, configurationPid = "edgeai.onnx")
@Designate(ocd = OnnxRuntimeConfig.class)
public final class ModelExtender implements ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelExtender.class);

    private final BundleContext context;
    private final RunnerSettings settings;
    private final ExecutorService loader;
    private final BundleTracker<ModelBundle> tracker;
    /** Tracked model bundles by bundle id; touched on the loader thread only. */
    private final Map<Long, ModelBundle> bundles = new HashMap<>();
    /** Refusal reasons by bundle id, kept while the bundle is tracked. */
    private final Map<Long, String> refused = new HashMap<>();
    /** The serving version of each model name. */
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    /** Snapshot for {@link #models()}, rebuilt on the loader thread after every change. */
    private volatile List<ModelState> snapshot = List.of();

    private record Active(long bundleId, LoadedModel runner, ServiceRegistration<?> registration) {
    }

    /**
     * @param context this bundle's context
     * @param config runtime settings
     */
    @Activate
    public ModelExtender(BundleContext context, OnnxRuntimeConfig config) {
        this.context = context;
        this.settings = new RunnerSettings(config.intraOpThreads(), config.interOpThreads(),
                config.executionProvider(), config.warmupRuns());
        this.loader = Executors.newSingleThreadExecutor(r -> new Thread(r, "edgeai-model-loader"));
        this.tracker = new BundleTracker<>(context, Bundle.STARTING | Bundle.ACTIVE, new Customizer());
        this.tracker.open();
    }

    /** Unregisters every model and frees its session. */
    @Deactivate
    public void deactivate() {
        tracker.close();
        loader.execute(() -> {
            active.values().forEach(a -> retire(a));
            active.clear();
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

    private final class Customizer implements BundleTrackerCustomizer<ModelBundle> {
        @Override
        public ModelBundle addingBundle(Bundle bundle, BundleEvent event) {
            if (bundle.getHeaders("").get(EdgeAiConstants.MODEL_HEADER) == null) {
                return null;
            }
            ModelBundle mb = ModelBundle.of(bundle);
            loader.execute(() -> {
                bundles.put(bundle.getBundleId(), mb);
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
                refused.remove(bundle.getBundleId());
                reconcile(mb.name());
            });
        }
    }

    /** Makes the highest loadable version of {@code name} the serving one. Loader thread only. */
    private void reconcile(String name) {
        List<ModelBundle> candidates = new ArrayList<>();
        for (ModelBundle mb : bundles.values()) {
            if (mb.name().equals(name)) {
                candidates.add(mb);
            }
        }
        candidates.sort(Comparator.comparing(ModelBundle::version).reversed());
        Active current = active.get(name);
        for (ModelBundle mb : candidates) {
            long id = mb.bundle().getBundleId();
            if (current != null && current.bundleId() == id) {
                publishSnapshot();
                return;
            }
            if (refused.containsKey(id)) {
                continue;
            }
            LoadedModel runner = tryLoad(mb);
            if (runner != null) {
                swapIn(name, id, runner);
                publishSnapshot();
                return;
            }
        }
        if (current != null && !bundles.containsKey(current.bundleId())) {
            active.remove(name);
            retire(current);
            LOG.info("Model {} has no loadable version left", name);
        }
        publishSnapshot();
    }

    private LoadedModel tryLoad(ModelBundle mb) {
        if (mb.error() != null) {
            refuse(mb, mb.error());
            return null;
        }
        long start = System.nanoTime();
        try {
            LoadedModel runner = mb.descriptor().isTextEncoder()
                    ? OrtTextEncoder.load(mb.descriptor(), mb.modelBytes(), mb.resourceBytes(mb.descriptor().tokenizer()),
                            settings, mb.location())
                    : OrtModelRunner.load(mb.descriptor(), mb.modelBytes(), settings, mb.location());
            LOG.info("Model {} loaded, checked and warmed up in {} ms on {}", runner.info().id(),
                    (System.nanoTime() - start) / 1_000_000, runner.info().provider());
            return runner;
        } catch (ModelLoadException e) {
            refuse(mb, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            refuse(mb, "unexpected failure: " + e);
        }
        return null;
    }

    private void refuse(ModelBundle mb, String why) {
        refused.put(mb.bundle().getBundleId(), why);
        LOG.warn("Model {}@{} from {} refused: {}", mb.name(), mb.versionText(), mb.location(), why);
    }

    private void swapIn(String name, long bundleId, LoadedModel runner) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EdgeAiConstants.MODEL_NAME, name);
        props.put(EdgeAiConstants.MODEL_VERSION, runner.info().version());
        props.put("service.description", "ONNX model " + runner.info().id());
        ServiceRegistration<?> reg = context.registerService(runner.serviceNames(), runner, props);
        Active old = active.put(name, new Active(bundleId, runner, reg));
        if (old != null) {
            retire(old);
            LOG.info("Model {} now serves as {} (was {})", name, runner.info().id(), old.runner().info().id());
        }
    }

    private void retire(Active a) {
        try {
            a.registration().unregister();
        } catch (IllegalStateException e) {
            // already unregistered with its bundle
        }
        a.runner().close();
    }

    private void publishSnapshot() {
        List<ModelState> list = new ArrayList<>();
        Set<Long> serving = new java.util.HashSet<>();
        active.values().forEach(a -> serving.add(a.bundleId()));
        for (ModelBundle mb : bundles.values()) {
            long id = mb.bundle().getBundleId();
            String why = refused.get(id);
            if (serving.contains(id)) {
                list.add(new ModelState(mb.name(), mb.versionText(), ModelState.Status.ACTIVE, "",
                        active.get(mb.name()).runner().info(), mb.location()));
            } else if (why != null) {
                list.add(new ModelState(mb.name(), mb.versionText(), ModelState.Status.FAILED, why, null,
                        mb.location()));
            } else {
                list.add(new ModelState(mb.name(), mb.versionText(), ModelState.Status.LOADING, "standby", null,
                        mb.location()));
            }
        }
        list.sort(Comparator.comparing(ModelState::name).thenComparing(ModelState::version));
        snapshot = List.copyOf(list);
    }
}
