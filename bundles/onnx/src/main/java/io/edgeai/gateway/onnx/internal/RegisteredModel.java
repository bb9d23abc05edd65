package io.edgeai.gateway.onnx.internal;

import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import io.edgeai.gateway.api.EdgeAiConstants;

/** A loaded runner registered as a service, and the role its service properties announce. */
final class RegisteredModel {
    final LoadedModel runner;
    private final ServiceRegistration<?> registration;
    private boolean serving;
    private boolean shadow;
    private int ranking;

    private RegisteredModel(LoadedModel runner, ServiceRegistration<?> registration) {
        this.runner = runner;
        this.registration = registration;
    }

    /** Registers a runner, neither serving nor shadow. */
    static RegisteredModel register(BundleContext context, LoadedModel runner) {
        return new RegisteredModel(
                runner, context.registerService(runner.serviceNames(), runner, properties(runner, false, false, 0)));
    }

    /** @return whether the service properties say shadow candidate */
    boolean shadow() {
        return shadow;
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

    /** Unregisters the service and closes the runner (after its in-flight calls). */
    void retire() {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // already unregistered
        }
        runner.close();
    }

    private static Dictionary<String, Object> properties(
            LoadedModel runner, boolean isServing, boolean isShadow, int ranking) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EdgeAiConstants.MODEL_NAME, runner.info().name());
        props.put(EdgeAiConstants.MODEL_VERSION, runner.info().version());
        props.put(EdgeAiConstants.MODEL_SERVING, isServing);
        props.put(EdgeAiConstants.MODEL_SHADOW, isShadow);
        props.put(Constants.SERVICE_RANKING, ranking);
        props.put(Constants.SERVICE_DESCRIPTION, "ONNX model " + runner.info().id());
        return props;
    }
}
