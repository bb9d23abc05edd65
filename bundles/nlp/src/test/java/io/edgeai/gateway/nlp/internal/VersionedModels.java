package io.edgeai.gateway.nlp.internal;

import java.util.HashMap;
import java.util.Map;

import org.osgi.framework.Constants;
import org.osgi.framework.VersionRange;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TextEncoder;

/**
 * Model versions bound and unbound as {@link TextPipeline} binds them (the same {@link ServingVersions}), with
 * the service properties the model extender registers them with.
 */
final class VersionedModels implements ModelLookup {
    final ServingVersions<TextEncoder> encoders =
            new ServingVersions<>(e -> e.info().version());
    final ServingVersions<ModelRunner> models =
            new ServingVersions<>(m -> m.info().version());

    /** Binds or updates an encoder version. */
    void encoder(TextEncoder e, boolean serving, boolean shadow, int ranking) {
        encoders.put(e, props(e.info().name(), e.info().version(), serving, shadow, ranking));
    }

    /** Binds or updates a head version. */
    void model(ModelRunner m, boolean serving, boolean shadow, int ranking) {
        models.put(m, props(m.info().name(), m.info().version(), serving, shadow, ranking));
    }

    void pinEncoder(String name, String range) {
        encoders.pin(name, range == null ? null : new VersionRange(range));
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

    static Map<String, Object> props(String name, String version, boolean serving, boolean shadow, int ranking) {
        Map<String, Object> p = new HashMap<>();
        p.put(EdgeAiConstants.MODEL_NAME, name);
        p.put(EdgeAiConstants.MODEL_VERSION, version);
        p.put(EdgeAiConstants.MODEL_SERVING, serving);
        p.put(EdgeAiConstants.MODEL_SHADOW, shadow);
        p.put(Constants.SERVICE_RANKING, ranking);
        return p;
    }
}
