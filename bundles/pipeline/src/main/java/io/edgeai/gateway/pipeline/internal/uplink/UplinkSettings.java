package io.edgeai.gateway.pipeline.internal.uplink;

import java.util.List;

import io.edgeai.gateway.pipeline.internal.AnomalyPipelineConfig;

/**
 * Validated uplink policy of an anomaly pipeline: what goes up which connection. Off (the default) when no
 * connection is named.
 *
 * @param connection name of the uplink connection; empty: no uplink
 * @param topicPrefix root of the uplink topics ({@code <root>/alarm/...}, {@code /evidence/...},
 *        {@code /summary/...})
 * @param summarySeconds summary period; 0: no summaries
 * @param summaryMode {@code pipeline}: one message per period carrying every series; {@code series}: one message
 *        per series and period
 * @param summaryMaxSeries most series in one summary message (mode {@code pipeline}); more are split over several
 * @param evidenceBefore raw values sent from before each alarm
 * @param evidenceAfter raw values sent from after each alarm
 */
public record UplinkSettings(
        String connection,
        String topicPrefix,
        long summarySeconds,
        String summaryMode,
        int summaryMaxSeries,
        int evidenceBefore,
        int evidenceAfter) {

    /** The summary modes. */
    public static final List<String> MODES = List.of("pipeline", "series");

    /** Most raw values an evidence window keeps on either side of an alarm. */
    public static final int MAX_EVIDENCE = 1024;

    /** No uplink. */
    public static final UplinkSettings OFF = new UplinkSettings("", "edgeai/uplink", 60, "pipeline", 500, 16, 16);

    /** Rejects a policy that cannot work, with a message naming the field. */
    public UplinkSettings {
        connection = connection == null ? "" : connection.trim();
        topicPrefix = topicPrefix == null ? "" : topicPrefix.trim();
        while (topicPrefix.endsWith("/")) {
            topicPrefix = topicPrefix.substring(0, topicPrefix.length() - 1);
        }
        summaryMode = summaryMode == null ? "" : summaryMode.trim();
        if (!connection.isEmpty() && topicPrefix.isEmpty()) {
            throw new IllegalArgumentException("uplinkTopicPrefix must not be empty when uplinkConnection is set");
        }
        if (topicPrefix.contains("+") || topicPrefix.contains("#")) {
            throw new IllegalArgumentException("uplinkTopicPrefix must not contain + or #: " + topicPrefix);
        }
        if (summarySeconds < 0) {
            throw new IllegalArgumentException(
                    "uplinkSummarySeconds must be >= 0 (0: no summaries), got " + summarySeconds);
        }
        if (!MODES.contains(summaryMode)) {
            throw new IllegalArgumentException("uplinkSummaryMode must be one of " + MODES + ", got " + summaryMode);
        }
        if (summaryMaxSeries < 1) {
            throw new IllegalArgumentException("uplinkSummaryMaxSeries must be >= 1, got " + summaryMaxSeries);
        }
        if (evidenceBefore < 0 || evidenceBefore > MAX_EVIDENCE || evidenceAfter < 0 || evidenceAfter > MAX_EVIDENCE) {
            throw new IllegalArgumentException("uplinkEvidenceBefore and uplinkEvidenceAfter must be in 0.."
                    + MAX_EVIDENCE + ", got " + evidenceBefore + " and " + evidenceAfter);
        }
    }

    /**
     * @param c a pipeline's configuration
     * @return its uplink policy
     * @throws IllegalArgumentException naming the property that cannot work
     */
    public static UplinkSettings from(AnomalyPipelineConfig c) {
        return new UplinkSettings(
                c.uplinkConnection(),
                c.uplinkTopicPrefix(),
                c.uplinkSummarySeconds(),
                c.uplinkSummaryMode(),
                c.uplinkSummaryMaxSeries(),
                c.uplinkEvidenceBefore(),
                c.uplinkEvidenceAfter());
    }

    /** @return whether anything goes up */
    public boolean enabled() {
        return !connection.isEmpty();
    }

    /** @return whether alarms carry an evidence window */
    public boolean evidence() {
        return evidenceBefore > 0 || evidenceAfter > 0;
    }

    /** @return the summary period in milliseconds, 0 for none */
    long periodMillis() {
        return summarySeconds * 1000;
    }
}
