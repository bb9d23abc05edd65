package io.edgeai.gateway.pipeline.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.VersionRange;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.ModelVersionRule;

/**
 * The model runners a pipeline's target filter matches, and which of them it uses and scores in shadow:
 * {@link ModelVersionRule}, the rule the text pipelines use too, applied on every change.
 */
final class ModelChoice {
    private final Map<ModelRunner, ModelVersionRule.Candidate<ModelRunner>> runners = new ConcurrentHashMap<>();
    private volatile VersionRange pin;
    private volatile ModelVersionRule.Choice<ModelRunner> choice = new ModelVersionRule.Choice<>(null, null);

    /** @param range the pinned range, {@code null} for none */
    synchronized void pin(VersionRange range) {
        pin = range;
        choose();
    }

    synchronized void put(ModelRunner runner, Map<String, Object> properties) {
        runners.put(runner, ModelVersionRule.Candidate.of(runner, runner.info().version(), properties));
        choose();
    }

    synchronized void remove(ModelRunner runner) {
        runners.remove(runner);
        choose();
    }

    /** @return the runner to use now, {@code null} when none fits */
    ModelRunner get() {
        return choice.use();
    }

    /** @return the model's shadow candidate, {@code null} when there is none or it is the runner in use */
    ModelRunner shadow() {
        return choice.shadow();
    }

    /** @return name of the model the runners are versions of, {@code null} when none is bound */
    String modelName() {
        for (ModelRunner r : runners.keySet()) {
            return r.info().name();
        }
        return null;
    }

    private void choose() {
        choice = ModelVersionRule.choose(runners.values(), pin);
    }
}
