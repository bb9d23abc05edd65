package io.edgeai.gateway.nlp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.edgeai.gateway.api.ConfigValues;
import io.edgeai.gateway.nlp.internal.intent.FewShotIntents;

/**
 * Validated text pipeline settings, independent of OSGi.
 *
 * @param name pipeline name
 * @param inputTopic input filter
 * @param inputQos input QoS
 * @param outputTopicPrefix result root
 * @param outputQos result QoS
 * @param deadLetterTopicPrefix dead-letter root
 * @param textField JSON text field
 * @param maxPayloadBytes payload limit
 * @param maxTextLength text limit
 * @param encoder encoder model name
 * @param tasks requested tasks: {@code intent}, {@code entities}, {@code embedding}
 * @param intents few-shot examples per intent
 * @param intentModel intent head model name, empty for few-shot
 * @param slotModel slot head model name
 * @param oosThreshold confidence threshold, negative for the model's default
 * @param minSimilarity few-shot similarity floor
 * @param temperature few-shot softmax temperature
 * @param queueCapacity ingest queue bound
 * @param batchSize most messages per encoder run (micro-batch); 1 runs every message alone
 * @param batchLingerMillis how long the first message of a micro-batch waits for more
 * @param overflowPolicy what a full ingest queue does: {@code drop-newest}, {@code drop-oldest} or
 *        {@code hold-acks} (the MQTT intake waits; the broker holds the rest unacknowledged)
 */
public record TextSettings(
        String name,
        String inputTopic,
        int inputQos,
        String outputTopicPrefix,
        int outputQos,
        String deadLetterTopicPrefix,
        String textField,
        int maxPayloadBytes,
        int maxTextLength,
        String encoder,
        Set<String> tasks,
        Map<String, List<String>> intents,
        String intentModel,
        String slotModel,
        double oosThreshold,
        double minSimilarity,
        double temperature,
        int queueCapacity,
        int batchSize,
        int batchLingerMillis,
        String overflowPolicy) {
    private static final Set<String> TASKS = Set.of("intent", "entities", "embedding");
    private static final Set<String> POLICIES = Set.of("drop-newest", "drop-oldest", "hold-acks");
    /** Largest micro-batch accepted. */
    static final int MAX_BATCH = 256;
    /** Longest linger accepted. */
    static final int MAX_LINGER_MS = 1000;
    /** Linger when none is configured. */
    static final int DEFAULT_LINGER_MS = 2;

    /** Rejects settings that cannot work, naming the field. */
    public TextSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (inputQos < 0 || inputQos > 2 || outputQos < 0 || outputQos > 2) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2");
        }
        if (maxPayloadBytes < 16 || maxTextLength < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxPayloadBytes >= 16, max.text.length >= 1, queueCapacity >= 1");
        }
        if (encoder == null || encoder.isBlank()) {
            throw new IllegalArgumentException("encoder must name a text encoder model");
        }
        if (tasks.isEmpty() || !TASKS.containsAll(tasks)) {
            throw new IllegalArgumentException("tasks must be any of " + TASKS + ", got " + tasks);
        }
        if (tasks.contains("entities") && slotModel.isBlank()) {
            throw new IllegalArgumentException("the entities task needs slot.model");
        }
        if (oosThreshold > 1 || !(temperature > 0)) {
            throw new IllegalArgumentException("oos.threshold must be <= 1 and fewshot.temperature > 0");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH || batchLingerMillis < 0 || batchLingerMillis > MAX_LINGER_MS) {
            throw new IllegalArgumentException(
                    "batch.size must be 1.." + MAX_BATCH + " and batch.linger.ms 0.." + MAX_LINGER_MS);
        }
        tasks = Set.copyOf(tasks);
        overflowPolicy = overflowPolicy == null ? "drop-newest" : overflowPolicy.strip();
        if (!POLICIES.contains(overflowPolicy)) {
            throw new IllegalArgumentException("overflowPolicy must be one of " + POLICIES + ", got " + overflowPolicy);
        }
    }

    /**
     * Settings without micro-batching and with the given overflow policy.
     *
     * @param name pipeline name
     * @param inputTopic input filter
     * @param inputQos input QoS
     * @param outputTopicPrefix result root
     * @param outputQos result QoS
     * @param deadLetterTopicPrefix dead-letter root
     * @param textField JSON field of the text
     * @param maxPayloadBytes payload limit
     * @param maxTextLength text limit
     * @param encoder encoder model name
     * @param tasks tasks
     * @param intents few-shot examples per intent
     * @param intentModel intent head model name, empty for few-shot
     * @param slotModel slot head model name
     * @param oosThreshold confidence threshold
     * @param minSimilarity few-shot similarity floor
     * @param temperature few-shot softmax temperature
     * @param queueCapacity ingest queue bound
     * @param overflowPolicy {@code drop-newest}, {@code drop-oldest} or {@code hold-acks}
     */
    public TextSettings(
            String name,
            String inputTopic,
            int inputQos,
            String outputTopicPrefix,
            int outputQos,
            String deadLetterTopicPrefix,
            String textField,
            int maxPayloadBytes,
            int maxTextLength,
            String encoder,
            Set<String> tasks,
            Map<String, List<String>> intents,
            String intentModel,
            String slotModel,
            double oosThreshold,
            double minSimilarity,
            double temperature,
            int queueCapacity,
            String overflowPolicy) {
        this(
                name,
                inputTopic,
                inputQos,
                outputTopicPrefix,
                outputQos,
                deadLetterTopicPrefix,
                textField,
                maxPayloadBytes,
                maxTextLength,
                encoder,
                tasks,
                intents,
                intentModel,
                slotModel,
                oosThreshold,
                minSimilarity,
                temperature,
                queueCapacity,
                1,
                DEFAULT_LINGER_MS,
                overflowPolicy);
    }

    /**
     * Settings without micro-batching (every message runs the encoder alone) that drop the newest message
     * when the ingest queue is full.
     *
     * @param name pipeline name
     * @param inputTopic input filter
     * @param inputQos input QoS
     * @param outputTopicPrefix result root
     * @param outputQos result QoS
     * @param deadLetterTopicPrefix dead-letter root
     * @param textField JSON text field
     * @param maxPayloadBytes payload limit
     * @param maxTextLength text limit
     * @param encoder encoder model name
     * @param tasks requested tasks
     * @param intents few-shot examples per intent
     * @param intentModel intent head model name, empty for few-shot
     * @param slotModel slot head model name
     * @param oosThreshold confidence threshold, negative for the model's default
     * @param minSimilarity few-shot similarity floor
     * @param temperature few-shot softmax temperature
     * @param queueCapacity ingest queue bound
     */
    public TextSettings(
            String name,
            String inputTopic,
            int inputQos,
            String outputTopicPrefix,
            int outputQos,
            String deadLetterTopicPrefix,
            String textField,
            int maxPayloadBytes,
            int maxTextLength,
            String encoder,
            Set<String> tasks,
            Map<String, List<String>> intents,
            String intentModel,
            String slotModel,
            double oosThreshold,
            double minSimilarity,
            double temperature,
            int queueCapacity) {
        this(
                name,
                inputTopic,
                inputQos,
                outputTopicPrefix,
                outputQos,
                deadLetterTopicPrefix,
                textField,
                maxPayloadBytes,
                maxTextLength,
                encoder,
                tasks,
                intents,
                intentModel,
                slotModel,
                oosThreshold,
                minSimilarity,
                temperature,
                queueCapacity,
                1,
                DEFAULT_LINGER_MS,
                "drop-newest");
    }

    /**
     * @param size most messages per encoder run
     * @param lingerMillis how long the first message of a batch waits for more
     * @return these settings with micro-batching as given
     */
    public TextSettings withBatch(int size, int lingerMillis) {
        return new TextSettings(
                name,
                inputTopic,
                inputQos,
                outputTopicPrefix,
                outputQos,
                deadLetterTopicPrefix,
                textField,
                maxPayloadBytes,
                maxTextLength,
                encoder,
                tasks,
                intents,
                intentModel,
                slotModel,
                oosThreshold,
                minSimilarity,
                temperature,
                queueCapacity,
                size,
                lingerMillis,
                overflowPolicy);
    }

    /**
     * Reads every property once before building the settings: a value the component runtime cannot convert is
     * reported as one line naming the property ({@link ConfigValues}), not as a stack trace.
     *
     * @param c the configuration
     * @return the settings
     * @throws IllegalArgumentException naming the property and what is wrong with its value
     */
    static TextSettings checked(TextPipelineConfig c) {
        ConfigValues.readAll(TextPipelineConfig.class, c);
        return from(c);
    }

    static TextSettings from(TextPipelineConfig c) {
        Set<String> tasks = new java.util.LinkedHashSet<>();
        for (String t : c.tasks()) {
            for (String part : t.split(",")) {
                if (!part.isBlank()) {
                    tasks.add(part.strip().toLowerCase(Locale.ROOT));
                }
            }
        }
        List<String> entries = new ArrayList<>();
        for (String e : c.intents()) {
            entries.addAll(List.of(e.split(";")));
        }
        return new TextSettings(
                c.name(),
                c.inputTopic(),
                c.inputQos(),
                trimSlash(c.outputTopicPrefix()),
                c.outputQos(),
                trimSlash(c.deadLetterTopicPrefix()),
                c.textField(),
                c.maxPayloadBytes(),
                c.max_text_length(),
                c.encoder().strip(),
                tasks,
                FewShotIntents.parse(entries.toArray(String[]::new)),
                c.intent_model().strip(),
                c.slot_model().strip(),
                c.oos_threshold(),
                c.fewshot_min_similarity(),
                c.fewshot_temperature(),
                c.queueCapacity(),
                c.batch_size(),
                c.batch_linger_ms(),
                c.overflowPolicy());
    }

    /** @return true when the intent task is on */
    public boolean wantsIntent() {
        return tasks.contains("intent");
    }

    /** @return true when the entities task is on */
    public boolean wantsEntities() {
        return tasks.contains("entities");
    }

    /** @return true when the embedding is published */
    public boolean wantsEmbedding() {
        return tasks.contains("embedding");
    }

    private static String trimSlash(String s) {
        String t = s.strip();
        return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }
}
