package io.edgeai.gateway.intake;

/**
 * What the intake needs of a pipeline's settings; the worker makes one from its own whenever they change.
 *
 * @param kind how log lines name the pipeline ({@code Pipeline}, {@code Text pipeline})
 * @param name pipeline name
 * @param queueCapacity ingest queue bound (fixed for a worker: a new capacity needs a new worker)
 * @param maxPayloadBytes payload limit; bigger inputs are kept truncated until they are dead-lettered
 * @param overflow what a full queue does
 * @param deadLetterTopicPrefix dead-letter root
 * @param batchSize most inputs taken together; 1 takes them one by one
 * @param batchLingerMillis how long the first input of a batch waits for more
 * @param outputName the output connection's name, for the log line while it is missing
 */
public record IntakeSettings(
        String kind,
        String name,
        int queueCapacity,
        int maxPayloadBytes,
        Overflow overflow,
        String deadLetterTopicPrefix,
        int batchSize,
        long batchLingerMillis,
        String outputName) {}
