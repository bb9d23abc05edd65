package io.edgeai.gateway.pipeline.internal;

import java.util.Map;

import org.osgi.framework.VersionRange;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.GroupMembership;
import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.ModelRegistry;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;
import io.edgeai.gateway.api.SeriesHistory;
import io.edgeai.gateway.api.UplinkStatus;
import io.edgeai.gateway.intake.ConfigProblem;
import io.edgeai.gateway.pipeline.internal.group.KeyAffinity;
import io.edgeai.gateway.pipeline.internal.group.ScaleOut;
import io.edgeai.gateway.pipeline.internal.uplink.UplinkSettings;

/**
 * A configured anomaly pipeline. The connection is a static reference; the models are dynamic so a new
 * model version takes over without restarting the pipeline or losing series state. With a pinned version
 * range the pipeline asks the registry to keep a version inside it loaded and uses that one.
 */
@Component(
        service = Pipeline.class,
        immediate = true,
        configurationPid = "edgeai.pipeline.anomaly",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AnomalyPipelineConfig.class, factory = true)
public final class AnomalyPipeline implements Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(AnomalyPipeline.class);
    private final MqttConnection connection;
    private final ModelRegistry registry;
    private final ModelChoice models = new ModelChoice();
    /** All broker connections by name, for an output connection other than the input's. */
    private final Map<String, MqttConnection> connections = new java.util.concurrent.ConcurrentHashMap<>();
    /** Null while the configuration is refused (the pipeline is listed with {@link #problem}, but does not run). */
    private volatile PipelineWorker worker;
    /** Why the configuration last given is not the one in force, if so. */
    private final ConfigProblem problem;

    private volatile String configuredName;
    private volatile String pinText = "";
    private volatile String owner = "";

    /**
     * @param connection the broker connection selected by {@code connection.target}
     * @param registry the model registry, asked to keep a pinned version loaded
     * @param config pipeline configuration
     */
    @Activate
    public AnomalyPipeline(
            @Reference(name = "connection") MqttConnection connection,
            @Reference(name = "registry") ModelRegistry registry,
            AnomalyPipelineConfig config,
            Map<String, Object> properties) {
        this.connection = connection;
        this.registry = registry;
        this.configuredName = String.valueOf(config.name());
        // the configuration's PID (edgeai.pipeline.anomaly~name) is named in the log so an operator finds the file
        this.problem = new ConfigProblem(
                LOG, "Pipeline", String.valueOf(properties.getOrDefault("service.pid", "edgeai.pipeline.anomaly")));
        start(config);
    }

    /**
     * Starts a worker on the configuration, or, when it is refused, logs one ERROR line and keeps the pipeline
     * listed with the reason (edgeai:pipelines, /health, the metrics topic) until a good configuration comes.
     */
    private void start(AnomalyPipelineConfig config) {
        PipelineSettings settings;
        UplinkSettings up;
        try {
            settings = PipelineSettings.checked(config);
            up = UplinkSettings.from(config);
        } catch (IllegalArgumentException e) {
            problem.notStarted(configuredName, e);
            return;
        }
        applyPin(settings);
        PipelineWorker w = newWorker(settings, scaleOut(config), up);
        w.start();
        worker = w;
        problem.clear();
    }

    private static ScaleOut scaleOut(AnomalyPipelineConfig c) {
        return new ScaleOut(c.shareGroup(), c.keyAffinity(), c.handoverMillis(), c.handoverBuffer());
    }

    /**
     * A worker publishing on its output connection, joined to the connection's gateway group as configured;
     * subscribes to results for key affinity.
     */
    private PipelineWorker newWorker(PipelineSettings settings, ScaleOut scale, UplinkSettings up) {
        String out = settings.outputConnection();
        PipelineWorker w = new PipelineWorker(
                settings,
                connection,
                out.isEmpty() || out.equals(connection.name()) ? () -> connection : () -> connections.get(out),
                models::get,
                models::shadow);
        w.uplink(up, this::connection, System::currentTimeMillis);
        KeyAffinity keys = null;
        if (scale.keyAffinity()) {
            GroupMembership group = connection
                    .membership()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "pipeline " + settings.name() + ": keyAffinity needs a gateway group on connection "
                                    + connection.name() + " (its group setting)"));
            keys = new KeyAffinity(group, scale, w::forgetTopic);
            connection.subscribe(settings.outputTopicPrefix() + "/#", 1, keys::resultSeen);
        }
        return w.scaleOut(scale, keys);
    }

    private void stop(PipelineWorker w, boolean forGood) {
        if (forGood) {
            w.finish();
        } else {
            w.stop();
        }
        if (w.affinity() != null) {
            connection.unsubscribe(w.settings().outputTopicPrefix() + "/#");
        }
    }

    /** @return the connection of a name: the input connection, or one of the others; null when there is none */
    private MqttConnection connection(String name) {
        return name.equals(connection.name()) ? connection : connections.get(name);
    }

    /** Tracks every connection by name (results may go out on another one than inputs come in on). */
    @Reference(name = "connections", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindConnection(MqttConnection c) {
        connections.put(c.name(), c);
    }

    void unbindConnection(MqttConnection c) {
        connections.remove(c.name(), c);
    }

    /** Binds a version of the model the target filter selects. */
    @Reference(
            name = "model",
            cardinality = ReferenceCardinality.AT_LEAST_ONE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindModel(ModelRunner runner, Map<String, Object> properties) {
        models.put(runner, properties);
        if (!pinText.isEmpty()) {
            registry.require(owner(), runner.info().name(), pinText);
        }
    }

    void updatedModel(ModelRunner runner, Map<String, Object> properties) {
        models.put(runner, properties);
    }

    void unbindModel(ModelRunner runner) {
        models.remove(runner);
    }

    private void applyPin(PipelineSettings s) {
        String range = s.modelVersionRange();
        owner = "pipeline " + s.name();
        pinText = range;
        models.pin(range.isEmpty() ? null : new VersionRange(range));
        String name = models.modelName();
        if (registry == null) {
            return;
        }
        if (range.isEmpty()) {
            registry.release(owner());
        } else if (name != null) {
            registry.require(owner(), name, range);
        }
    }

    private String owner() {
        return owner;
    }

    /**
     * Applies a changed configuration live; a new queue capacity or scale-out setting restarts the worker
     * (with key affinity its topics warm up again).
     *
     * @param config the new configuration
     */
    @Modified
    void modified(AnomalyPipelineConfig config) {
        PipelineWorker w = worker;
        configuredName = String.valueOf(config.name());
        if (w == null) {
            start(config);
            return;
        }
        PipelineSettings next;
        UplinkSettings up;
        try {
            next = PipelineSettings.checked(config);
            up = UplinkSettings.from(config);
        } catch (IllegalArgumentException e) {
            problem.notApplied(w.settings().name(), e);
            return;
        }
        problem.clear();
        if (!next.modelVersionRange().equals(pinText)
                || !next.name().equals(w.settings().name())) {
            registry.release(owner());
            applyPin(next);
        }
        ScaleOut scale = scaleOut(config);
        if (next.queueCapacity() != w.settings().queueCapacity()
                || !next.name().equals(w.settings().name())
                || !next.outputConnection().equals(w.settings().outputConnection())
                || !scale.equals(w.scaleOut())
                || (scale.keyAffinity()
                        && !next.outputTopicPrefix().equals(w.settings().outputTopicPrefix()))) {
            stop(w, false);
            PipelineWorker fresh = newWorker(next, scale, up);
            fresh.adopt(w);
            fresh.start();
            worker = fresh;
        } else {
            w.update(next);
            w.uplink(up);
        }
    }

    /** Stops the worker. */
    @Deactivate
    void deactivate() {
        registry.release(owner());
        PipelineWorker w = worker;
        if (w != null) {
            stop(w, true);
        }
    }

    @Override
    public String name() {
        PipelineWorker w = worker;
        return w == null ? configuredName : w.settings().name();
    }

    @Override
    public java.util.List<io.edgeai.gateway.api.ShadowComparison> shadowComparisons() {
        PipelineWorker w = worker;
        return w == null ? java.util.List.of() : w.shadowComparisons();
    }

    @Override
    public PipelineStatus status() {
        PipelineWorker w = worker;
        return w == null
                ? PipelineStatus.refused(configuredName, "anomaly", problem.text())
                : w.status("anomaly", connection.name()).withProblem(problem.text());
    }

    @Override
    public java.util.Optional<UplinkStatus> uplink() {
        PipelineWorker w = worker;
        return w == null ? java.util.Optional.empty() : w.uplinkStatus();
    }

    @Override
    public java.util.concurrent.CompletionStage<SeriesHistory> recentValues(String series) {
        PipelineWorker w = worker;
        return w == null
                ? java.util.concurrent.CompletableFuture.failedFuture(
                        new IllegalStateException("pipeline " + configuredName + " does not run: " + problem.text()))
                : w.recentValues(series);
    }

    @Override
    public Map<String, LatencyHistogram> stageLatencies() {
        PipelineWorker w = worker;
        return w == null ? Map.of() : w.stageLatencies();
    }

    @Override
    public Map<String, Long> rejectedByCode() {
        PipelineWorker w = worker;
        return w == null ? Map.of() : w.rejectedByCode();
    }
}
