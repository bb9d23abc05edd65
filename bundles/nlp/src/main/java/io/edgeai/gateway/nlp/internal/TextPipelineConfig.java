package io.edgeai.gateway.nlp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One text pipeline (factory PID {@code edgeai.pipeline.text}). */
@ObjectClassDefinition(
        id = "edgeai.pipeline.text",
        name = "EdgeAI text pipeline",
        description = "Understands text published over MQTT: intent (few-shot or a classifier model) with "
                + "out-of-scope rejection, entities, embeddings.")
public @interface TextPipelineConfig {
    /** @return pipeline name */
    @AttributeDefinition(name = "Name", description = "Pipeline name shown by edgeai:pipelines and in dead letters.")
    String name() default "text";

    /** @return connection filter */
    @AttributeDefinition(name = "Connection", description = "LDAP filter selecting the broker connection.")
    String connection_target() default "(edgeai.connection.name=local)";

    /** @return the lane of the connection the pipeline uses */
    @AttributeDefinition(
            name = "Lane",
            description = "Lane of the connection this pipeline subscribes and publishes "
                    + "on: a session of its own with the same broker (client id <clientId>-<lane>), so text never waits "
                    + "behind another pipeline's readings held back by the broker's flow control (hold-acks). Empty: the "
                    + "connection itself. Letters, digits, - and _.")
    String lane() default "text";

    /** @return input topic filter */
    @AttributeDefinition(name = "Input topic", description = "Topic filter of text messages, e.g. home/+/voice.")
    String inputTopic() default "home/+/voice";

    /** @return input QoS */
    @AttributeDefinition(
            name = "Input QoS",
            description = "QoS of the input subscription.",
            options = {
                @Option(label = "0", value = "0"),
                @Option(label = "1", value = "1"),
                @Option(label = "2", value = "2")
            })
    int inputQos() default 1;

    /** @return result topic root */
    @AttributeDefinition(name = "Result topic root", description = "Results go to <root>/<input topic>.")
    String outputTopicPrefix() default "edgeai/nlp";

    /** @return result QoS */
    @AttributeDefinition(name = "Result QoS", description = "QoS of published results.")
    int outputQos() default 1;

    /** @return dead-letter topic root */
    @AttributeDefinition(
            name = "Dead-letter topic root",
            description = "Rejected inputs go to <root>/<input topic> with the reason.")
    String deadLetterTopicPrefix() default "edgeai/deadletter";

    /** @return JSON text field */
    @AttributeDefinition(
            name = "Text field",
            description =
                    "Field of a JSON payload holding the text; payloads not starting with '{' are plain UTF-8 text.")
    String textField() default "text";

    /** @return payload limit */
    @AttributeDefinition(
            name = "Max payload (bytes)",
            description = "Larger payloads are rejected unread (code oversize).",
            min = "16")
    int maxPayloadBytes() default 1048576;

    /** @return text limit */
    @AttributeDefinition(
            name = "Max text length",
            description = "Longer texts (UTF-16 characters) are rejected (code too-long).",
            min = "1")
    int max_text_length() default 2000;

    /** @return encoder model name */
    @AttributeDefinition(
            name = "Encoder",
            description = "Name of the sentence encoder model, e.g. all-minilm-l6-v2-q or bge-small-zh-v15-q.")
    String encoder() default "all-minilm-l6-v2-q";

    /** @return tasks */
    @AttributeDefinition(name = "Tasks", description = "Any of intent, entities, embedding.")
    String[] tasks() default {"intent"};

    /** @return few-shot intents */
    @AttributeDefinition(
            name = "Few-shot intents",
            description =
                    "Entries name=example|example; several entries may share one value separated by ';'. Used when no intent model is set; embedded when the configuration changes.")
    String[] intents() default {};

    /** @return intent head model name */
    @AttributeDefinition(
            name = "Intent model",
            description =
                    "Name of an intent classifier head model (input: the encoder's sentence embedding); empty for few-shot intents.")
    String intent_model() default "";

    /** @return slot head model name */
    @AttributeDefinition(
            name = "Slot model",
            description =
                    "Name of a slot tagging head model (input: the encoder's token vectors, BIO labels); needed for the entities task.")
    String slot_model() default "";

    /** @return pinned version range of the encoder */
    @AttributeDefinition(
            name = "Encoder version range",
            description = "OSGi version range the encoder's version "
                    + "must lie in, e.g. [1.0,1.1): the highest version inside it answers (a shadow candidate too), and the "
                    + "registry keeps it loaded for this pipeline. Empty: the serving version.")
    String encoderVersionRange() default "";

    /** @return pinned version range of the intent head */
    @AttributeDefinition(
            name = "Intent model version range",
            description =
                    "OSGi version range of the intent " + "model, as for the encoder. Empty: the serving version.")
    String intentModelVersionRange() default "";

    /** @return pinned version range of the slot head */
    @AttributeDefinition(
            name = "Slot model version range",
            description = "OSGi version range of the slot model, " + "as for the encoder. Empty: the serving version.")
    String slotModelVersionRange() default "";

    /** @return confidence threshold */
    @AttributeDefinition(
            name = "Out-of-scope threshold",
            description =
                    "Confidence (0..1) below which the intent is out_of_scope; -1 uses the intent model's oos.threshold (few-shot: 0).")
    double oos_threshold() default -1;

    /** @return few-shot similarity floor */
    @AttributeDefinition(
            name = "Few-shot minimum similarity",
            description = "Cosine similarity to the nearest example needed to be in scope (few-shot only).")
    double fewshot_min_similarity() default 0.5;

    /** @return few-shot softmax temperature */
    @AttributeDefinition(
            name = "Few-shot temperature",
            description =
                    "Softmax temperature turning similarities into confidences (few-shot only; smaller is sharper).",
            min = "0.001")
    double fewshot_temperature() default 0.05;

    /** @return ingest queue bound */
    @AttributeDefinition(
            name = "Queue capacity",
            description = "Messages waiting for the worker; beyond it the newest are dropped (counted).",
            min = "1")
    int queueCapacity() default 1000;

    /** @return most messages per encoder run */
    @AttributeDefinition(
            name = "Batch size",
            description = "Micro-batching: up to this many queued messages "
                    + "share one encoder run (padded, with an attention mask), then each is classified and published in "
                    + "input order; 1 (default) runs every message alone. It saves encoder work on a loaded pipeline "
                    + "(texts of similar length share a run), but the shipped int8 encoders quantise activations over the "
                    + "whole batch, so a text's result in a batch differs from its result alone and depends on the "
                    + "messages batched with it. Measured on MiniLM with 512 HWU64 sentences in batches of 8: "
                    + "pooled-embedding cosine 0.988 on average (lowest 0.95), same intent from the demo head for 94.5 % "
                    + "of texts, same slot tag for 92 % of tokens (docs/benchmarks.md).",
            min = "1",
            max = "256")
    int batch_size() default 1;

    /** @return how long the first message of a batch waits for more */
    @AttributeDefinition(
            name = "Batch linger (ms)",
            description = "With batch.size above 1: how long the first "
                    + "message of a micro-batch waits for more before the batch runs anyway (adds at most this much "
                    + "latency when traffic is light; under load batches fill without waiting).",
            min = "0",
            max = "1000")
    int batch_linger_ms() default 2;

    /** @return share group */
    @AttributeDefinition(
            name = "Share group",
            description = "Subscribe through the MQTT shared subscription "
                    + "$share/<group>/<input topic>, so the broker hands each input to one gateway of those subscribing with "
                    + "the same group (scale-out of this stateless pipeline). Empty: a plain subscription. Needs a broker with "
                    + "shared subscriptions (the embedded broker, Mosquitto 2, EMQX, HiveMQ, VerneMQ).")
    String shareGroup() default "";

    /** @return overflow policy */
    @AttributeDefinition(
            name = "Overflow policy",
            description = "What happens when the queue is full: drop the "
                    + "newest or the oldest message (acknowledged, counted as dropped), or hold-acks: the MQTT intake waits for "
                    + "room and the broker holds the rest unacknowledged (counted as held).",
            options = {
                @Option(label = "Drop the newest message", value = "drop-newest"),
                @Option(label = "Drop the oldest message", value = "drop-oldest"),
                @Option(label = "Hold acknowledgements (backpressure)", value = "hold-acks")
            })
    String overflowPolicy() default "drop-newest";

    /** @return uplink connection */
    @AttributeDefinition(
            name = "Uplink connection",
            description = "Name of a broker connection (e.g. cloud) that gets each text's intent and entities, QoS 1, "
                    + "through its publish store; the raw text only with uplinkText. Empty: no uplink.")
    String uplinkConnection() default "";

    /** @return uplink topic root */
    @AttributeDefinition(
            name = "Uplink topic prefix",
            description = "Root of the uplink topics: <prefix>/text/<input topic>. No + or #.")
    String uplinkTopicPrefix() default "edgeai/uplink";

    /** @return whether the raw text goes up */
    @AttributeDefinition(
            name = "Uplink raw text",
            description = "Send the whole text up with its intent and entities. Off by default (privacy): only the "
                    + "intent and the entities, with their own spans of the text, leave the site.")
    boolean uplinkText() default false;
}
