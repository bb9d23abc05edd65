package io.edgeai.gateway.onnx.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the ONNX model runtime (PID {@code edgeai.onnx}). */
@ObjectClassDefinition(id = "edgeai.onnx", name = "EdgeAI ONNX Runtime",
        description = "How model bundles are loaded into ONNX Runtime sessions.")
public @interface OnnxRuntimeConfig {
    /** @return threads inside one operator */
    @AttributeDefinition(name = "Intra-op threads", description = "Threads used inside one operator (1 suits small models).", min = "1")
    int intraOpThreads() default 1;

    /** @return threads across operators */
    @AttributeDefinition(name = "Inter-op threads", description = "Threads used across independent operators.", min = "1")
    int interOpThreads() default 1;

    /** @return requested execution provider */
    @AttributeDefinition(name = "Execution provider", description = "CPU, CUDA, TENSORRT or XNNPACK; falls back to CPU when this ONNX Runtime build lacks it.")
    String executionProvider() default "CPU";

    /** @return warm-up inferences before a model takes traffic */
    @AttributeDefinition(name = "Warm-up runs", description = "Inferences run on a new model before it takes traffic.", min = "0")
    int warmupRuns() default 3;

    /** @return how long a removed serving version keeps serving while its bundle may come back updated */
    @AttributeDefinition(name = "Removal grace (ms)", description = "When the bundle of the serving version stops, it keeps serving this long before the next version takes over, so that bundle:update swaps straight to the new version without a detour through an older one.", min = "0")
    long removalGraceMillis() default 2000;

    /** @return whether only models signed by a trusted key load */
    @AttributeDefinition(name = "Secure mode", description = "Only model bundles carrying a valid Ed25519 signature (model/model.json.sig) by one of the trusted keys load; unsigned or badly signed ones are refused with the reason. The distribution ships it on.")
    boolean secureMode() default false;

    /** @return trusted public keys */
    @AttributeDefinition(name = "Trusted keys", description = "Ed25519 public keys (base64 X.509, as tools/sign-model prints them) whose model signatures are accepted.")
    String[] trustedKeys() default {};

    /** @return whether a newly installed higher version starts as shadow candidate */
    @AttributeDefinition(name = "New versions shadow first", description = "When on, a newly installed version higher than the serving one does not serve at once: it becomes the shadow candidate, scores live traffic without publishing, and serves after edgeai:model-promote.")
    boolean shadowNewVersions() default false;
}
