package io.edgeai.gateway.pipeline.internal.group;

import io.edgeai.gateway.api.SharedSubscriptions;

/**
 * How an anomaly pipeline shares its topic space with the other gateways of its group.
 *
 * @param shareGroup share group of a {@code $share} input subscription, empty for a plain one; only with a
 *        broker that hands a topic's messages to one subscriber (EMQX {@code hash_topic}), as the windows are
 *        per topic
 * @param keyAffinity whether the gateway processes only the input topics rendezvous hashing assigns to it
 *        among the group's live members
 * @param handoverMillis how long inputs of topics owned by another member are kept for a takeover
 * @param handoverBuffer most inputs kept for a takeover (the oldest go first)
 */
public record ScaleOut(String shareGroup, boolean keyAffinity, long handoverMillis, int handoverBuffer) {
    /** Neither shared subscription nor key affinity. */
    public static final ScaleOut NONE = new ScaleOut("", false, 60_000, 10_000);

    /** Rejects combinations that would lose or scatter a topic's readings. */
    public ScaleOut {
        shareGroup = shareGroup == null ? "" : shareGroup.strip();
        SharedSubscriptions.filter(shareGroup, "x");
        if (keyAffinity && !shareGroup.isEmpty()) {
            throw new IllegalArgumentException("keyAffinity and shareGroup exclude each other: with a shared "
                    + "subscription a member only sees the inputs the broker gives it");
        }
        if (handoverMillis < 0 || handoverBuffer < 0) {
            throw new IllegalArgumentException("handoverMillis and handoverBuffer must be >= 0");
        }
    }

    /**
     * @param inputTopic the pipeline's input filter
     * @return the filter to subscribe
     */
    public String filter(String inputTopic) {
        return SharedSubscriptions.filter(shareGroup, inputTopic);
    }
}
