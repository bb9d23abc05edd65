package io.edgeai.gateway.pipeline.internal;

/**
 * Ways to build {@link PipelineSettings} in tests and tools: the shipped defaults, the shorter argument lists
 * older tests use, and copies with one group of settings changed. The component builds its settings from the
 * configuration ({@link PipelineSettings#checked}); these never run there.
 */
public final class TestSettings {
    private TestSettings() {}

    /**
     * @param policy {@code drop-newest}, {@code drop-oldest} or {@code hold-acks}
     * @param capacity ingest queue bound
     * @return these settings with another ingest queue
     */
    public static PipelineSettings withIntake(PipelineSettings s, String policy, int capacity) {
        if (!PipelineSettings.OVERFLOW_POLICIES.contains(policy)) {
            throw new IllegalArgumentException("overflowPolicy must be one of " + PipelineSettings.OVERFLOW_POLICIES);
        }
        return new PipelineSettings(
                s.name(),
                s.inputTopic(),
                s.inputQos(),
                s.outputTopicPrefix(),
                s.outputQos(),
                s.alarmTopicPrefix(),
                s.deadLetterTopicPrefix(),
                s.valueField(),
                s.tsField(),
                s.maxPayloadBytes(),
                capacity,
                policy.equals("drop-oldest"),
                s.maxSeries(),
                s.threshold(),
                s.clearThreshold(),
                s.raiseCount(),
                s.clearCount(),
                s.payloadFormat(),
                s.maxBatch(),
                s.maxWindow(),
                s.modelVersionRange(),
                policy.equals("hold-acks"),
                s.outputConnection(),
                s.seriesMemoryMegabytes(),
                s.seriesIdleSeconds(),
                s.seriesHeapPercent());
    }

    /**
     * Settings without the payload format and the batch and window limits: JSON, at most 1000 values per
     * message, windows up to 1024 values.
     *
     * @param name pipeline name
     * @param inputTopic input filter
     * @param inputQos input QoS
     * @param outputTopicPrefix result root
     * @param outputQos result QoS
     * @param alarmTopicPrefix alarm root, empty for none
     * @param deadLetterTopicPrefix dead-letter root
     * @param valueField value field name or JSON pointer
     * @param tsField timestamp field name or JSON pointer
     * @param maxPayloadBytes payload limit
     * @param queueCapacity ingest queue bound
     * @param dropOldest overflow policy
     * @param maxSeries bound on series with state
     * @param threshold alarm threshold
     * @param clearThreshold clear threshold
     * @param raiseCount readings to raise
     * @param clearCount readings to clear
     */
    public static PipelineSettings of(
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
            int clearCount) {
        return new PipelineSettings(
                name,
                inputTopic,
                inputQos,
                outputTopicPrefix,
                outputQos,
                alarmTopicPrefix,
                deadLetterTopicPrefix,
                valueField,
                tsField,
                maxPayloadBytes,
                queueCapacity,
                dropOldest,
                maxSeries,
                threshold,
                clearThreshold,
                raiseCount,
                clearCount,
                "json",
                1000,
                1024,
                "",
                false,
                "",
                PipelineSettings.SERIES_MEMORY_MEGABYTES,
                PipelineSettings.SERIES_IDLE_SECONDS,
                PipelineSettings.SERIES_HEAP_PERCENT);
    }

    /**
     * Like the settings without payload format and limits, with a pinned model version range.
     *
     * @param name pipeline name
     * @param inputTopic input filter
     * @param inputQos input QoS
     * @param outputTopicPrefix result root
     * @param outputQos result QoS
     * @param alarmTopicPrefix alarm root, empty for none
     * @param deadLetterTopicPrefix dead-letter root
     * @param valueField value field name or JSON pointer
     * @param tsField timestamp field name or JSON pointer
     * @param maxPayloadBytes payload limit
     * @param queueCapacity ingest queue bound
     * @param dropOldest overflow policy
     * @param maxSeries bound on series with state
     * @param threshold alarm threshold
     * @param clearThreshold clear threshold
     * @param raiseCount readings to raise
     * @param clearCount readings to clear
     * @param modelVersionRange pinned OSGi version range, empty for the serving version
     */
    public static PipelineSettings of(
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
            String modelVersionRange) {
        return new PipelineSettings(
                name,
                inputTopic,
                inputQos,
                outputTopicPrefix,
                outputQos,
                alarmTopicPrefix,
                deadLetterTopicPrefix,
                valueField,
                tsField,
                maxPayloadBytes,
                queueCapacity,
                dropOldest,
                maxSeries,
                threshold,
                clearThreshold,
                raiseCount,
                clearCount,
                "json",
                1000,
                1024,
                modelVersionRange,
                false,
                "",
                PipelineSettings.SERIES_MEMORY_MEGABYTES,
                PipelineSettings.SERIES_IDLE_SECONDS,
                PipelineSettings.SERIES_HEAP_PERCENT);
    }

    /**
     * @param format payload format
     * @param batch most values per message
     * @return these settings with another payload format
     */
    public static PipelineSettings withPayloadFormat(PipelineSettings s, String format, int batch) {
        return new PipelineSettings(
                s.name(),
                s.inputTopic(),
                s.inputQos(),
                s.outputTopicPrefix(),
                s.outputQos(),
                s.alarmTopicPrefix(),
                s.deadLetterTopicPrefix(),
                s.valueField(),
                s.tsField(),
                s.maxPayloadBytes(),
                s.queueCapacity(),
                s.dropOldest(),
                s.maxSeries(),
                s.threshold(),
                s.clearThreshold(),
                s.raiseCount(),
                s.clearCount(),
                format,
                batch,
                s.maxWindow(),
                s.modelVersionRange(),
                s.holdAcks(),
                s.outputConnection(),
                s.seriesMemoryMegabytes(),
                s.seriesIdleSeconds(),
                s.seriesHeapPercent());
    }

    /**
     * @param memoryMegabytes estimated heap the series may take
     * @param idleSeconds idle time after which a series is evicted, 0 for never
     * @param heapPercent heap share after a collection above which new series are refused, 100 for off
     * @return these settings with other series limits
     */
    public static PipelineSettings withSeriesLimits(
            PipelineSettings s, int memoryMegabytes, long idleSeconds, int heapPercent) {
        return new PipelineSettings(
                s.name(),
                s.inputTopic(),
                s.inputQos(),
                s.outputTopicPrefix(),
                s.outputQos(),
                s.alarmTopicPrefix(),
                s.deadLetterTopicPrefix(),
                s.valueField(),
                s.tsField(),
                s.maxPayloadBytes(),
                s.queueCapacity(),
                s.dropOldest(),
                s.maxSeries(),
                s.threshold(),
                s.clearThreshold(),
                s.raiseCount(),
                s.clearCount(),
                s.payloadFormat(),
                s.maxBatch(),
                s.maxWindow(),
                s.modelVersionRange(),
                s.holdAcks(),
                s.outputConnection(),
                memoryMegabytes,
                idleSeconds,
                heapPercent);
    }

    /**
     * The shipped defaults.
     *
     * @param name pipeline name
     * @return the shipped defaults
     */
    public static PipelineSettings defaults(String name) {
        return of(
                name,
                "sensors/+/+",
                1,
                "edgeai/anomaly",
                1,
                "edgeai/alarm",
                "edgeai/deadletter",
                "value",
                "ts",
                65536,
                10000,
                false,
                10000,
                -1,
                -1,
                1,
                12,
                "");
    }
}
