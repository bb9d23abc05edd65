package io.edgeai.gateway.pipeline.internal.decode;

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
     * have a meaning in topics ({@code / + #}) become {@code _}, and so do those a topic must not contain:
     * control characters, unpaired surrogates, non-characters, and every character from U+FDD0 to U+FFFF
     * (Paho 1.2.5 refuses that whole range). Paho checks only when it writes the message, and drops the
     * connection when it fails.
     *
     * @param name a record or metric name
     * @return the name usable as one topic level
     */
    static String topicLevel(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> {
            boolean bad = cp == '/' || cp == '+' || cp == '#' || Character.isISOControl(cp)
                    || Character.getType(cp) == Character.SURROGATE || (cp >= 0xFDD0 && cp <= 0xFFFF)
                    || (cp & 0xFFFE) == 0xFFFE;
            out.appendCodePoint(bad ? '_' : cp);
        });
        return out.toString();
    }

    /**
     * @param count values in one message
     * @param maxBatch the limit
     * @throws RejectedInputException when the message carries more values than the limit
     */
    static void checkBatch(int count, int maxBatch) throws RejectedInputException {
        if (count > maxBatch) {
            throw new RejectedInputException("too-many-values", "message carries " + count + " values, more than "
                    + "the limit of " + maxBatch + " (maxBatch)");
        }
    }
}
