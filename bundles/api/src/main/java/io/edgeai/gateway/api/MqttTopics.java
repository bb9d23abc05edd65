package io.edgeai.gateway.api;

import java.nio.charset.StandardCharsets;

/** MQTT's limit on topic length, for pipelines that build output topics from input topics. */
public final class MqttTopics {
    /** The longest topic MQTT can carry, in UTF-8 bytes; Paho drops a publish to a longer topic. */
    public static final int MAX_BYTES = 65_535;

    private MqttTopics() {}

    /**
     * @param topic a topic
     * @return whether a client can publish to it
     */
    public static boolean fits(String topic) {
        return topic.length() * 3 <= MAX_BYTES || topic.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }

    /**
     * A dead letter's topic: the prefix and the input's topic, cut to {@link #MAX_BYTES} (at a code point) when
     * an input topic near that limit would make it longer; the dead letter's body carries the whole topic.
     *
     * @param prefix dead-letter root
     * @param inputTopic the input's topic
     * @return a topic a client can publish to
     */
    public static String deadLetterTopic(String prefix, String inputTopic) {
        String topic = prefix + "/" + inputTopic;
        if (fits(topic)) {
            return topic;
        }
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < topic.length(); i = topic.offsetByCodePoints(i, 1)) {
            int cp = topic.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > MAX_BYTES) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += n;
        }
        return out.toString();
    }
}
