package io.edgeai.gateway.pipeline.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;

/**
 * A configured anomaly pipeline. The connection is a static reference; the model is dynamic so a new
 * model version takes over without restarting the pipeline or losing series state.
 */
@Component(service = Pipeline.class, immediate = true, configurationPid = "edgeai.pipeline.anomaly",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AnomalyPipelineConfig.class, factory = true)
public final class AnomalyPipeline implements Pipeline {
    private final MqttConnection connection;
    private volatile PipelineWorker worker;

    @Reference(name = "model", policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ModelRunner model;

    /**
     * @param connection the broker connection selected by {@code connection.target}
     * @param config pipeline configuration
     */
    @Activate
    public AnomalyPipeline(@Reference(name = "connection") MqttConnection connection, AnomalyPipelineConfig config) {
        this.connection = connection;
        this.worker = new PipelineWorker(PipelineSettings.from(config), connection, () -> model);
        this.worker.start();
    }

    /**
     * Applies a changed configuration live; a new queue capacity restarts the worker.
     *
     * @param config the new configuration
     */
    @Modified
    void modified(AnomalyPipelineConfig config) {
        PipelineSettings next = PipelineSettings.from(config);
        PipelineWorker w = worker;
        if (next.queueCapacity() != w.settings().queueCapacity() || !next.name().equals(w.settings().name())) {
            w.stop();
            PipelineWorker fresh = new PipelineWorker(next, connection, () -> model);
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
    public String name() {
        return worker.settings().name();
    }

    @Override
    public PipelineStatus status() {
        return worker.status("anomaly", connection.name());
    }

    @Override
    public Map<String, LatencyHistogram> stageLatencies() {
        return worker.stageLatencies();
    }

    @Override
    public Map<String, Long> rejectedByCode() {
        return worker.rejectedByCode();
    }
}
