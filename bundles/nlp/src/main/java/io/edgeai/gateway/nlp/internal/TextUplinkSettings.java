package io.edgeai.gateway.nlp.internal;

/**
 * Validated uplink policy of a text pipeline: what goes up which connection. Off (the default) when no connection is
 * named. The intent and entities of each text go up; the raw text only when asked (privacy: by default it stays on
 * site, and only the entities' own spans leave it).
 *
 * @param connection name of the uplink connection; empty: no uplink
 * @param topicPrefix root of the uplink topics ({@code <root>/text/<input topic>})
 * @param rawText whether the whole text goes up with its intent and entities
 */
record TextUplinkSettings(String connection, String topicPrefix, boolean rawText) {
    /** No uplink. */
    static final TextUplinkSettings OFF = new TextUplinkSettings("", "edgeai/uplink", false);

    /** Rejects a policy that cannot work, with a message naming the field. */
    TextUplinkSettings {
        connection = connection == null ? "" : connection.trim();
        topicPrefix = topicPrefix == null ? "" : topicPrefix.trim();
        while (topicPrefix.endsWith("/")) {
            topicPrefix = topicPrefix.substring(0, topicPrefix.length() - 1);
        }
        if (!connection.isEmpty() && topicPrefix.isEmpty()) {
            throw new IllegalArgumentException("uplinkTopicPrefix must not be empty when uplinkConnection is set");
        }
        if (topicPrefix.contains("+") || topicPrefix.contains("#")) {
            throw new IllegalArgumentException("uplinkTopicPrefix must not contain + or #: " + topicPrefix);
        }
    }

    /**
     * @param c a text pipeline's configuration
     * @return its uplink policy
     * @throws IllegalArgumentException naming the property that cannot work
     */
    static TextUplinkSettings from(TextPipelineConfig c) {
        return new TextUplinkSettings(c.uplinkConnection(), c.uplinkTopicPrefix(), c.uplinkText());
    }

    /** @return whether anything goes up */
    boolean enabled() {
        return !connection.isEmpty();
    }

    /**
     * @param inputTopic the text's input topic
     * @return its uplink topic
     */
    String topic(String inputTopic) {
        return topicPrefix + "/text/" + inputTopic;
    }
}
