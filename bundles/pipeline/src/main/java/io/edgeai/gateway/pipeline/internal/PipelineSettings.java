package io.edgeai.gateway.pipeline.internal;

import io.edgeai.gateway.api.ConfigValues;
import io.edgeai.gateway.pipeline.internal.decode.Float32Decoder;
import io.edgeai.gateway.pipeline.internal.decode.PayloadDecoder;
import io.edgeai.gateway.pipeline.internal.decode.ReadingDecoder;
import io.edgeai.gateway.pipeline.internal.decode.SenmlDecoder;
import io.edgeai.gateway.pipeline.internal.decode.SparkplugDecoder;

/**
 * Validated pipeline settings, independent of OSGi.
 *
 * @param name pipeline name
 * @param inputTopic input filter
 * @param inputQos input QoS
 * @param outputTopicPrefix result root
 * @param outputQos result QoS
 * @param alarmTopicPrefix alarm root, empty for none
 * @param deadLetterTopicPrefix dead-letter root
 * @param valueField value field name
 * @param tsField timestamp field name
 * @param maxPayloadBytes payload limit
 * @param queueCapacity ingest queue bound
 * @param dropOldest overflow policy: true drops the oldest queued reading, false the newest
 * @param maxSeries bound on series with state
 * @param threshold alarm threshold, negative for the model's default
 * @param clearThreshold clear threshold, negative for the model's default
 * @param raiseCount readings to raise
 * @param clearCount readings to clear
 * @param payloadFormat how payloads are decoded: {@code json}, {@code senml}, {@code sparkplug-b} or
 *        {@code float32-le}
 * @param maxBatch most values one message may carry (SenML records, Sparkplug metrics, float32 values)
 * @param maxWindow most values a model may keep per series (its {@code window.size}); bounds memory at
 *        {@code maxSeries * maxWindow} values
 * @param modelVersionRange pinned OSGi version range of the model, empty for the serving version
 * @param holdAcks overflow policy {@code hold-acks}: a full queue makes the MQTT intake wait (the broker
 *        holds the rest, unacknowledged) instead of dropping; overrides {@code dropOldest}
 * @param outputConnection name of the connection results are published on; empty for the input's
 * @param seriesMemoryMegabytes heap the series state may take, estimated (series x estimated bytes per series);
 *        beyond it a new series is refused ({@code too-many-series})
 * @param seriesIdleSeconds a series not seen for this long loses its state (evicted); 0 keeps series for ever
 * @param seriesHeapPercent a new series is refused while the heap used after the last collection is above this
 *        share of the maximum heap; 100 turns the guard off
 */
public record PipelineSettings(
        String name,
        String inputTopic,
        int inputQos,
        String outputTopicPrefix,
        int outputQos,
        String alarmTopicPrefix,
        String deadLetterTopicPrefix,
        String valueField,
        String tsField,
        int maxPayloadBytes,
        int queueCapacity,
        boolean dropOldest,
        int maxSeries,
        double threshold,
        double clearThreshold,
        int raiseCount,
        int clearCount,
        String payloadFormat,
        int maxBatch,
        int maxWindow,
        String modelVersionRange,
        boolean holdAcks,
        String outputConnection,
        int seriesMemoryMegabytes,
        long seriesIdleSeconds,
        int seriesHeapPercent) {

    /** Default of {@link #seriesMemoryMegabytes()}: 10,000 series of up to ~9.6 KB inside the shipped 256 MB heap. */
    public static final int SERIES_MEMORY_MEGABYTES = 96;
    /** Default of {@link #seriesIdleSeconds()}: seven days. */
    public static final long SERIES_IDLE_SECONDS = 7 * 24 * 3600;
    /** Default of {@link #seriesHeapPercent()}. */
    public static final int SERIES_HEAP_PERCENT = 90;

    /** The ingest queue's overflow policies. */
    public static final java.util.List<String> OVERFLOW_POLICIES =
            java.util.List.of("drop-newest", "drop-oldest", "hold-acks");

    /** The payload formats a pipeline can decode. */
    public static final java.util.List<String> FORMATS =
            java.util.List.of("json", "senml", "sparkplug-b", "float32-le");

    /** Rejects settings that cannot work, with a message naming the field. */
    public PipelineSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (inputQos < 0 || inputQos > 2 || outputQos < 0 || outputQos > 2) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2");
        }
        if (queueCapacity < 1 || maxSeries < 1 || maxPayloadBytes < 16) {
            throw new IllegalArgumentException("queueCapacity, maxSeries must be >= 1 and maxPayloadBytes >= 16");
        }
        if (!FORMATS.contains(payloadFormat)) {
            throw new IllegalArgumentException("payloadFormat must be one of " + FORMATS + ", got " + payloadFormat);
        }
        if (maxBatch < 1 || maxWindow < 1) {
            throw new IllegalArgumentException("maxBatch and maxWindow must be >= 1");
        }
        if (seriesMemoryMegabytes < 1) {
            throw new IllegalArgumentException("seriesMemoryMegabytes must be >= 1, got " + seriesMemoryMegabytes);
        }
        if (seriesIdleSeconds < 0) {
            throw new IllegalArgumentException("seriesIdleSeconds must be >= 0 (0: never), got " + seriesIdleSeconds);
        }
        if (seriesHeapPercent < 1 || seriesHeapPercent > 100) {
            throw new IllegalArgumentException(
                    "seriesHeapPercent must be in 1..100 (100: off), got " + seriesHeapPercent);
        }
        if (threshold > 1 || clearThreshold > 1) {
            throw new IllegalArgumentException("thresholds are scores in 0..1 (or -1 for the model's default)");
        }
        modelVersionRange = modelVersionRange == null ? "" : modelVersionRange.trim();
        outputConnection = outputConnection == null ? "" : outputConnection.trim();
        if (!modelVersionRange.isEmpty()) {
            try {
                new org.osgi.framework.VersionRange(modelVersionRange);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "modelVersionRange is not an OSGi version range such as [1.0,2.0): " + modelVersionRange, e);
            }
        }
    }

    /**
     * Reads every property of the configuration once before building the settings, so that a value Config Admin
     * cannot convert (a word where a number belongs) is reported as one line naming the property instead of a
     * stack trace from the component runtime.
     *
     * @param c the configuration
     * @return the settings
     * @throws IllegalArgumentException naming the property and what is wrong with its value
     */
    static PipelineSettings checked(AnomalyPipelineConfig c) {
        ConfigValues.readAll(AnomalyPipelineConfig.class, c);
        return from(c);
    }

    static PipelineSettings from(AnomalyPipelineConfig c) {
        String policy = c.overflowPolicy().trim();
        if (!OVERFLOW_POLICIES.contains(policy)) {
            throw new IllegalArgumentException(
                    "overflowPolicy must be one of " + OVERFLOW_POLICIES + ", got " + policy);
        }
        return new PipelineSettings(
                c.name(),
                c.inputTopic(),
                c.inputQos(),
                trimSlash(c.outputTopicPrefix()),
                c.outputQos(),
                trimSlash(c.alarmTopicPrefix()),
                trimSlash(c.deadLetterTopicPrefix()),
                c.valueField(),
                c.tsField(),
                c.maxPayloadBytes(),
                c.queueCapacity(),
                policy.equals("drop-oldest"),
                c.maxSeries(),
                c.threshold(),
                c.clearThreshold(),
                c.raiseCount(),
                c.clearCount(),
                c.payloadFormat().trim(),
                c.maxBatch(),
                c.maxWindow(),
                c.modelVersionRange(),
                policy.equals("hold-acks"),
                c.outputConnection(),
                c.seriesMemoryMegabytes(),
                c.seriesIdleSeconds(),
                c.seriesHeapPercent());
    }

    /**
     * @return a decoder for the payload format and limits (a new one: a Sparkplug decoder keeps the aliases of
     *         the birth certificates it saw)
     */
    public PayloadDecoder decoder() {
        switch (payloadFormat) {
            case "senml":
                return new SenmlDecoder(maxPayloadBytes, maxBatch);
            case "sparkplug-b":
                return new SparkplugDecoder(maxPayloadBytes, maxBatch);
            case "float32-le":
                return new Float32Decoder(maxPayloadBytes, maxBatch);
            default:
                return new ReadingDecoder(maxPayloadBytes, valueField, tsField);
        }
    }

    /** @return the overflow policy's name: {@code drop-newest}, {@code drop-oldest} or {@code hold-acks} */
    public String overflowPolicy() {
        return holdAcks ? "hold-acks" : dropOldest ? "drop-oldest" : "drop-newest";
    }

    private static String trimSlash(String s) {
        String t = s.trim();
        return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }
}
