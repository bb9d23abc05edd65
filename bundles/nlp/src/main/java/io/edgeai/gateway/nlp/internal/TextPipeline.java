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

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;
import io.edgeai.gateway.api.TextEncoder;

/**
 * A configured text pipeline. The connection is a static reference; encoders and head models are
 * tracked dynamically by name, so new model versions take over (and few-shot intents are re-embedded)
 * without restarting the pipeline. Of several versions of one model only a serving one answers
 * ({@link ServingVersions}): a shadow candidate never serves live text, and its removal leaves the serving
 * version in place.
 */
@Component(service = Pipeline.class, immediate = true, configurationPid = "edgeai.pipeline.text",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TextPipelineConfig.class, factory = true)
public final class TextPipeline implements Pipeline, ModelLookup {
    private final MqttConnection connection;
    private final ServingVersions<TextEncoder> encoders = new ServingVersions<>(e -> e.info().version());
    private final ServingVersions<ModelRunner> models = new ServingVersions<>(m -> m.info().version());
    private volatile TextWorker worker;

    /**
     * @param connection the broker connection selected by {@code connection.target}
     * @param config pipeline configuration
     */
    @Activate
    public TextPipeline(@Reference(name = "connection") MqttConnection connection, TextPipelineConfig config) {
        this.connection = connection;
        this.worker = new TextWorker(TextSettings.from(config), connection, this).shareGroup(config.shareGroup());
        this.worker.start();
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
     * Applies a changed configuration live; a new queue capacity, name or share group restarts the worker.
     *
     * @param config the new configuration
     */
    @Modified
    void modified(TextPipelineConfig config) {
        TextSettings next = TextSettings.from(config);
        TextWorker w = worker;
        if (next.queueCapacity() != w.settings().queueCapacity() || !next.name().equals(w.settings().name())
                || !config.shareGroup().strip().equals(w.shareGroup())) {
            w.stop();
            TextWorker fresh = new TextWorker(next, connection, this).shareGroup(config.shareGroup());
            fresh.start();
            worker = fresh;
        } else {
            w.update(next);
        }
    }

    /** Stops the worker. */
    @Deactivate
    void deactivate() {
        worker.stop();
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
    public String name() {
        return worker.settings().name();
    }

    @Override
    public PipelineStatus status() {
        return worker.status(connection.name());
    }

    @Override
    public java.util.Map<String, io.edgeai.gateway.api.LatencyHistogram> stageLatencies() {
        return worker.stageLatencies();
    }
}
