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
 * @param history raw values kept per series for on-demand detail requests; 0: none. Shares the ring of the
 *        evidence window: each series keeps {@link #kept()} values
 */
public record UplinkSettings(
        String connection,
        String topicPrefix,
        long summarySeconds,
        String summaryMode,
        int summaryMaxSeries,
        int evidenceBefore,
        int evidenceAfter,
        int history) {

    /** The summary modes. */
    public static final List<String> MODES = List.of("pipeline", "series");

    /** Most raw values an evidence window keeps on either side of an alarm. */
    public static final int MAX_EVIDENCE = 1024;

    /** No uplink. */
    public static final UplinkSettings OFF = new UplinkSettings("", "edgeai/uplink", 60, "pipeline", 500, 16, 16, 16);

    /** Most raw values kept per series for on-demand detail. */
    public static final int MAX_HISTORY = 1024;

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
        if (history < 0 || history > MAX_HISTORY) {
            throw new IllegalArgumentException(
                    "uplinkHistory must be in 0.." + MAX_HISTORY + " (0: none), got " + history);
        }
    }

    /**
     * A policy without history for on-demand detail.
     *
     * @param connection name of the uplink connection; empty: no uplink
     * @param topicPrefix root of the uplink topics
     * @param summarySeconds summary period; 0: no summaries
     * @param summaryMode {@code pipeline} or {@code series}
     * @param summaryMaxSeries most series in one summary message
     * @param evidenceBefore raw values sent from before each alarm
     * @param evidenceAfter raw values sent from after each alarm
     */
    public UplinkSettings(
            String connection,
            String topicPrefix,
            long summarySeconds,
            String summaryMode,
            int summaryMaxSeries,
            int evidenceBefore,
            int evidenceAfter) {
        this(connection, topicPrefix, summarySeconds, summaryMode, summaryMaxSeries, evidenceBefore, evidenceAfter, 0);
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
                c.uplinkEvidenceAfter(),
                c.uplinkHistory());
    }

    /** @return whether anything goes up */
    public boolean enabled() {
        return !connection.isEmpty();
    }

    /** @return whether alarms carry an evidence window */
    public boolean evidence() {
        return evidenceBefore > 0 || evidenceAfter > 0;
    }

    /** @return raw values each series keeps: for the next evidence window and for on-demand detail, the larger */
    public int kept() {
        return Math.max(evidenceBefore, history);
    }

    /** @return the summary period in milliseconds, 0 for none */
    long periodMillis() {
        return summarySeconds * 1000;
    }
}
