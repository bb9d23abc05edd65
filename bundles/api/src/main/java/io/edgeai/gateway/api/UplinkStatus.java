package io.edgeai.gateway.api;

/**
 * What a pipeline sends up its uplink connection: alarm and back-to-normal events, evidence windows and periodic
 * summaries, with counters since the pipeline started.
 *
 * @param connection name of the uplink connection
 * @param topicPrefix root of the uplink topics
 * @param summarySeconds summary period in seconds, 0 when no summaries are sent
 * @param summaryMode {@code pipeline} (one message per period carrying every series) or {@code series} (one per
 *        series)
 * @param evidenceBefore raw values sent from before each alarm
 * @param evidenceAfter raw values sent from after each alarm
 * @param events alarm and back-to-normal events sent
 * @param evidence evidence windows sent
 * @param summaries summary messages sent
 * @param bytes topic and payload bytes of everything sent
 * @since 1.10
 */
public record UplinkStatus(
        String connection,
        String topicPrefix,
        long summarySeconds,
        String summaryMode,
        int evidenceBefore,
        int evidenceAfter,
        long events,
        long evidence,
        long summaries,
        long bytes) {}
