package io.edgeai.gateway.api;

/** Service property names, manifest headers and topic roots shared by the gateway's bundles. */
public final class EdgeAiConstants {
    /** Service property: a model's name, on {@link ModelRunner} services. */
    public static final String MODEL_NAME = "edgeai.model.name";
    /** Service property: a model's version, on {@link ModelRunner} services. */
    public static final String MODEL_VERSION = "edgeai.model.version";
    /**
     * Service property ({@code Boolean}) on {@link ModelRunner} services: {@code true} on the version that
     * serves by default, {@code false} on a version kept loaded for a consumer pinned to a version range.
     * While a swap is under way two runners may both be serving; the higher {@code service.ranking} wins.
     */
    public static final String MODEL_SERVING = "edgeai.model.serving";
    /**
     * Service property ({@code Boolean}) on {@link ModelRunner} services: {@code true} on the shadow candidate
     * of a model, which pipelines score live readings with without publishing the results.
     */
    public static final String MODEL_SHADOW = "edgeai.model.shadow";
    /** Service property: a connection's name, on {@link MqttConnection} services. */
    public static final String CONNECTION_NAME = "edgeai.connection.name";
    /**
     * Service property: on the {@link MqttConnection} service of a lane, the lane's name (see
     * {@link MqttConnection#lane(String)}); absent on a configured connection.
     *
     * @since 1.8
     */
    public static final String CONNECTION_LANE = "edgeai.connection.lane";
    /**
     * The lane of control traffic: signed remote commands, their answers, model status and group membership.
     *
     * @since 1.8
     */
    public static final String LANE_CONTROL = "control";
    /** Service property: a pipeline's name, on {@link Pipeline} services. */
    public static final String PIPELINE_NAME = "edgeai.pipeline.name";
    /** Manifest header of a model bundle: the bundle path of its JSON descriptor. */
    public static final String MODEL_HEADER = "EdgeAI-Model";

    /** Descriptor property: what a model does ({@code embedding}, {@code intent}, {@code slots}). */
    public static final String PROPERTY_TASK = "task";
    /** Descriptor property of a head model: the name of the encoder whose embeddings it takes. */
    public static final String PROPERTY_ENCODER = "encoder";
    /** Descriptor property of an encoder: {@code mean} (over the attention mask) or {@code cls}. */
    public static final String PROPERTY_POOLING = "pooling";
    /** Descriptor property of an encoder: {@code true} to L2-normalise pooled embeddings. */
    public static final String PROPERTY_NORMALIZE = "normalize";
    /** Descriptor property of an encoder: most tokens per text, special tokens included. */
    public static final String PROPERTY_MAX_LENGTH = "max.length";
    /** Descriptor property of an intent head: confidence below which the intent is out of scope. */
    public static final String PROPERTY_OOS_THRESHOLD = "oos.threshold";

    private EdgeAiConstants() {}
}
