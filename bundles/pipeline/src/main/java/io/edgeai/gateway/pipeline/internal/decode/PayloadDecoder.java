package io.edgeai.gateway.pipeline.internal.decode;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns one MQTT message into readings. A format may carry several values per message (SenML packs,
 * Sparkplug B metrics, float32 arrays); each becomes a reading with its own quantity. Decoders run on the
 * pipeline's worker thread only.
 */
public interface PayloadDecoder {

    /**
     * @param topic the topic the message came on
     * @param payload the payload
     * @param receivedMillis receive time, used when the payload carries no timestamp
     * @return the readings, in payload order; empty when the message carries nothing to score (e.g. a
     *         Sparkplug death certificate)
     * @throws RejectedInputException with a reason when the input cannot be used
     */
    List<Reading> decodeAll(String topic, byte[] payload, long receivedMillis) throws RejectedInputException;

    /**
     * The device id an MQTT topic level can carry, and the quantity from a record name: characters that
     * have a meaning in topics ({@code / + #}) become {@code _}, and so do those Paho 1.2.5 refuses in a
     * topic: control characters and every code point from U+FDD0 up (U+FFFD, full-width forms and all
     * supplementary characters such as emoji included). Paho checks only when it writes the message, and
     * drops the whole connection when the check fails.
     *
     * @param name a record or metric name
     * @return the name usable as one topic level
     */
    static String topicLevel(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> {
            boolean bad = cp == '/'
                    || cp == '+'
                    || cp == '#'
                    || Character.isISOControl(cp)
                    || cp >= 0xFDD0
                    || Character.getType(cp) == Character.SURROGATE;
            out.appendCodePoint(bad ? '_' : cp);
        });
        return out.toString();
    }

    /**
     * Most UTF-8 bytes of one result topic level made from a device id or a name, so that result topics
     * stay far below MQTT's 65,535 bytes (Paho drops a publish to a longer topic).
     */
    int MAX_LEVEL_BYTES = 1024;

    /**
     * @param level a device id or name that becomes a result topic level
     * @param code the rejection code when it is too long ({@code bad-topic}, {@code bad-name})
     * @param what what the level is, for the reason
     * @return the level
     * @throws RejectedInputException when it is longer than {@link #MAX_LEVEL_BYTES}
     */
    static String checkLength(String level, String code, String what) throws RejectedInputException {
        int bytes = level.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_LEVEL_BYTES) {
            throw new RejectedInputException(
                    code,
                    what + " of " + bytes + " bytes is longer than the " + MAX_LEVEL_BYTES
                            + " bytes a result topic level may have");
        }
        return level;
    }

    /**
     * @param count values in one message
     * @param maxBatch the limit
     * @throws RejectedInputException when the message carries more values than the limit
     */
    static void checkBatch(int count, int maxBatch) throws RejectedInputException {
        if (count > maxBatch) {
            throw new RejectedInputException(
                    "too-many-values",
                    "message carries " + count + " values, more than " + "the limit of " + maxBatch + " (maxBatch)");
        }
    }
}
