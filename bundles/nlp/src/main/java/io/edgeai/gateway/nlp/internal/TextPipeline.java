package io.edgeai.gateway.nlp.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.ModelRegistry;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.intake.ConfigProblem;

/**
 * A configured text pipeline. The connection is a static reference; encoders and head models are
 * tracked dynamically by name, so new model versions take over (and few-shot intents are re-embedded)
 * without restarting the pipeline. Of several versions of one model the one that answers and the shadow
 * candidate are chosen by the rule all pipelines share ({@link ServingVersions}): a shadow candidate never
 * answers live text, is compared on it ({@link TextShadowScoring}), and its removal leaves the serving version
 * in place. A version range in the configuration pins a model ({@link TextVersionPins}); the model registry is
 * asked to keep the pinned version loaded.
 */
@Component(
        service = Pipeline.class,
        immediate = true,
        configurationPid = "edgeai.pipeline.text",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TextPipelineConfig.class, factory = true)
public final class TextPipeline implements Pipeline, ModelLookup {
    private static final Logger LOG = LoggerFactory.getLogger(TextPipeline.class);
    private final MqttConnection connection;
    /** Keeps pinned versions loaded; null only in tests that construct a pipeline without one. */
    private final ModelRegistry registry;
    /** The pins in force (configuration changes only). */
    private volatile TextVersionPins pins = TextVersionPins.NONE;

    private final ServingVersions<TextEncoder> encoders =
            new ServingVersions<>(e -> e.info().version());
    private final ServingVersions<ModelRunner> models =
            new ServingVersions<>(m -> m.info().version());
    /** Null while the configuration is refused (the pipeline is listed with {@link #problem}, but does not run). */
    private volatile TextWorker worker;
    /** The lane the worker uses (worker changes only). */
    private volatile MqttConnection on;
    /** Why the configuration last given is not the one in force, if so. */
    private final ConfigProblem problem;

    private volatile String configuredName;
    /** All broker connections by name, for the uplink. */
    private final Map<String, MqttConnection> connections = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param connection the broker connection selected by {@code connection.target}
     * @param registry the model registry, asked to keep pinned versions loaded
     * @param config pipeline configuration
     * @param properties the component's properties
     */
    @Activate
    public TextPipeline(
            @Reference(name = "connection") MqttConnection connection,
            @Reference(name = "registry") ModelRegistry registry,
            TextPipelineConfig config,
            Map<String, Object> properties) {
        this.connection = connection;
        this.registry = registry;
        this.configuredName = String.valueOf(config.name());
        // the configuration's PID (edgeai.pipeline.text~name) is named in the log so an operator finds the file
        this.problem = new ConfigProblem(
                LOG, "Text pipeline", String.valueOf(properties.getOrDefault("service.pid", "edgeai.pipeline.text")));
        start(config);
    }

    /**
     * Starts a worker on the configuration, or, when it is refused, logs one ERROR line and keeps the pipeline
     * listed with the reason (edgeai:pipelines, /health, the metrics topic) until a good configuration comes.
     */
    private void start(TextPipelineConfig config) {
        TextSettings settings;
        MqttConnection lane;
        TextVersionPins nextPins;
        TextUplinkSettings up;
        try {
            settings = TextSettings.checked(config);
            lane = lane(config);
            nextPins = TextVersionPins.from(config);
            up = TextUplinkSettings.from(config);
        } catch (IllegalArgumentException e) {
            problem.notStarted(configuredName, e);
            return;
        }
        applyPins(settings.name(), nextPins);
        TextWorker w = new TextWorker(settings, lane, this)
                .shareGroup(config.shareGroup())
                .uplink(up, this::connection);
        w.start();
        on = lane;
        worker = w;
        problem.clear();
    }

    @Reference(name = "encoders", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindEncoder(TextEncoder encoder, Map<String, Object> props) {
        encoders.put(encoder, props);
    }

    void updatedEncoder(TextEncoder encoder, Map<String, Object> props) {
        encoders.put(encoder, props);
    }

    void unbindEncoder(TextEncoder encoder) {
        encoders.remove(encoder);
    }

    @Reference(name = "models", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindModel(ModelRunner model, Map<String, Object> props) {
        models.put(model, props);
    }

    void updatedModel(ModelRunner model, Map<String, Object> props) {
        models.put(model, props);
    }

    void unbindModel(ModelRunner model) {
        models.remove(model);
    }

    /**
     * Applies a changed configuration live; a new queue capacity, name, share group or lane restarts the worker.
     *
     * @param config the new configuration
     */
    @Modified
    void modified(TextPipelineConfig config) {
        TextWorker w = worker;
        configuredName = String.valueOf(config.name());
        if (w == null) {
            start(config);
            return;
        }
        TextSettings next;
        MqttConnection lane;
        TextVersionPins nextPins;
        TextUplinkSettings up;
        try {
            next = TextSettings.checked(config);
            lane = lane(config);
            nextPins = TextVersionPins.from(config);
            up = TextUplinkSettings.from(config);
        } catch (IllegalArgumentException e) {
            problem.notApplied(w.settings().name(), e);
            return;
        }
        problem.clear();
        if (!nextPins.equals(pins) || !next.name().equals(w.settings().name())) {
            releasePins(w.settings().name());
            applyPins(next.name(), nextPins);
        }
        if (next.queueCapacity() != w.settings().queueCapacity()
                || !next.name().equals(w.settings().name())
                || !config.shareGroup().strip().equals(w.shareGroup())
                || lane != on) {
            // the successor takes over what the old worker held: nothing acknowledged without a result, nothing
            // left unacknowledged (the broker would stop delivering to the session)
            w.stopForSuccessor();
            TextWorker fresh = new TextWorker(next, lane, this)
                    .shareGroup(config.shareGroup())
                    .uplink(up, this::connection);
            fresh.adopt(w);
            fresh.start();
            on = lane;
            worker = fresh;
        } else {
            w.update(next);
            w.uplink(up, this::connection);
        }
    }

    /** @return the connection of a name: the pipeline's own, or one of the others; null when there is none */
    private MqttConnection connection(String name) {
        return name.equals(connection.name()) ? connection : connections.get(name);
    }

    /** Tracks every connection by name (the uplink may be another connection than the input's). */
    @Reference(name = "connections", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindConnection(MqttConnection c) {
        connections.put(c.name(), c);
    }

    void unbindConnection(MqttConnection c) {
        connections.remove(c.name(), c);
    }

    /** Stops the worker. */
    @Deactivate
    void deactivate() {
        TextWorker w = worker;
        if (w != null) {
            w.stop();
        }
        releasePins(name());
    }

    /**
     * Puts pins in force: which versions answer here at once, and the registry's loaded versions as it gets to
     * them (one request per pipeline and role, so a pipeline renamed or re-pinned withdraws the old ones).
     */
    private synchronized void applyPins(String pipeline, TextVersionPins next) {
        for (String name : pins.ranges().keySet()) {
            if (!next.ranges().containsKey(name)) {
                encoders.pin(name, null);
                models.pin(name, null);
            }
        }
        next.ranges().forEach((name, pin) -> {
            encoders.pin(name, pin.range());
            models.pin(name, pin.range());
            if (registry != null) {
                registry.require(owner(pipeline, pin.role()), name, pin.text());
            }
        });
        pins = next;
    }

    /** Withdraws the registry requests of the pins in force. */
    private synchronized void releasePins(String pipeline) {
        if (registry == null) {
            return;
        }
        for (String role : java.util.List.of("encoder", "intent-model", "slot-model")) {
            registry.release(owner(pipeline, role));
        }
    }

    private static String owner(String pipeline, String role) {
        return "text pipeline " + pipeline + " " + role;
    }

    @Override
    public TextEncoder encoder(String name) {
        return encoders.get(name);
    }

    @Override
    public ModelRunner model(String name) {
        return models.get(name);
    }

    @Override
    public TextEncoder shadowEncoder(String name) {
        return encoders.shadow(name);
    }

    @Override
    public ModelRunner shadowModel(String name) {
        return models.shadow(name);
    }

    @Override
    public java.util.List<io.edgeai.gateway.api.ShadowComparison> shadowComparisons() {
        TextWorker w = worker;
        return w == null ? java.util.List.of() : w.shadowComparisons();
    }

    @Override
    public String name() {
        TextWorker w = worker;
        return w == null ? configuredName : w.settings().name();
    }

    @Override
    public PipelineStatus status() {
        TextWorker w = worker;
        return w == null
                ? PipelineStatus.refused(configuredName, "text", problem.text())
                : w.status(on.name()).withProblem(problem.text());
    }

    @Override
    public java.util.Map<String, io.edgeai.gateway.api.LatencyHistogram> stageLatencies() {
        TextWorker w = worker;
        return w == null ? Map.of() : w.stageLatencies();
    }

    private MqttConnection lane(TextPipelineConfig config) {
        try {
            return connection.lane(config.lane().strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lane: " + e.getMessage(), e);
        }
    }
}
