package io.edgeai.gateway.pipeline.internal;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.pipeline.internal.decide.AlarmPolicy;
import io.edgeai.gateway.pipeline.internal.detect.AnomalyScorer;
import io.edgeai.gateway.pipeline.internal.detect.ScorerSettings;

/**
 * What an anomaly worker reads of its serving model, worked out again only when the model version or the
 * settings change: the scorer, the alarm policy, the window size; and the wait for a model while there is none.
 * Worker thread only.
 */
final class ScoringModel {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringModel.class);
    /** How long readings wait for a model before they are dead-lettered ({@code no-model}). */
    private static final long MODEL_GRACE_NANOS = 30_000_000_000L;

    private final Supplier<ModelRunner> model;
    private final SeriesTable series;
    private final String pipeline;
    /** When the model went missing ({@link System#nanoTime()}), 0 while there is one. */
    private long noModelSince;

    private String scorerModel = "";
    private AnomalyScorer scorer;
    private ScorerSettings scorerSettings;
    private PipelineSettings policySettings;
    private ModelInfo policyModel;
    private AlarmPolicy policyCache;
    private ModelInfo windowModel;
    private int windowSize;

    /**
     * @param model supplies the serving model (may change between calls; may be null)
     * @param series the series whose state restarts when a new version brings other scorer settings
     * @param pipeline the pipeline's name, for the log
     */
    ScoringModel(Supplier<ModelRunner> model, SeriesTable series, String pipeline) {
        this.model = model;
        this.series = series;
        this.pipeline = pipeline;
    }

    /**
     * The serving model; while there is none (at start, between versions) waits up to 30 s since it went
     * missing, so inputs are not dead-lettered during a boot.
     *
     * @param running false when the worker stops (the wait ends)
     * @return the model, null when there still is none
     */
    ModelRunner await(BooleanSupplier running) {
        ModelRunner runner = model.get();
        if (runner != null) {
            noModelSince = 0;
            return runner;
        }
        long now = System.nanoTime();
        if (noModelSince == 0) {
            noModelSince = now;
        }
        while (runner == null && running.getAsBoolean() && System.nanoTime() - noModelSince < MODEL_GRACE_NANOS) {
            LockSupport.parkNanos(20_000_000L);
            runner = model.get();
        }
        if (runner != null) {
            noModelSince = 0;
        }
        return runner;
    }

    /** One scorer per model version; series keep their state unless the new version's settings differ. */
    AnomalyScorer scorer(ModelInfo info) {
        if (!info.id().equals(scorerModel)) {
            ScorerSettings next = ScorerSettings.fromModel(info);
            if (scorer != null && !next.equals(scorerSettings)) {
                series.restart(new AnomalyScorer(next));
                LOG.info("Pipeline {}: model {} has new scorer settings; series warm up again", pipeline, info.id());
            }
            if (scorer == null || !next.equals(scorerSettings)) {
                scorer = new AnomalyScorer(next);
                scorerSettings = next;
                series.measureNext();
            }
            scorerModel = info.id();
        }
        return scorer;
    }

    /** The alarm policy for these settings and this model; worked out again only when either changes. */
    AlarmPolicy policy(PipelineSettings s, ModelInfo info) {
        if (s != policySettings || info != policyModel) {
            double t = s.threshold() >= 0 ? s.threshold() : info.doubleProperty("threshold", 0.5);
            double c = s.clearThreshold() >= 0 ? s.clearThreshold() : info.doubleProperty("clear.threshold", t * 0.8);
            policyCache = new AlarmPolicy(t, Math.min(c, t), s.raiseCount(), s.clearCount());
            policySettings = s;
            policyModel = info;
        }
        return policyCache;
    }

    /** The model's {@code window.size} (0 when it declares none); parsed once per model version. */
    int window(ModelInfo info) {
        if (info != windowModel) {
            windowSize = info.intProperty("window.size", 0);
            windowModel = info;
        }
        return windowSize;
    }
}
