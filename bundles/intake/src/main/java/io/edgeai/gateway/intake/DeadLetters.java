package io.edgeai.gateway.intake;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Writes the dead-letter JSON both pipelines publish; the field names are the documented contract. */
public final class DeadLetters {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int PREVIEW_CHARS = 200;

    private DeadLetters() {}

    /**
     * @param pipeline pipeline name
     * @param topic the input's topic
     * @param code stable reason code
     * @param reason human-readable reason
     * @param payload the rejected payload, or its first bytes (a preview is included)
     * @param payloadBytes the original payload's size
     * @param receivedMillis when it arrived
     * @return the dead-letter JSON
     */
    public static byte[] json(
            String pipeline,
            String topic,
            String code,
            String reason,
            byte[] payload,
            int payloadBytes,
            long receivedMillis) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("pipeline", pipeline);
        n.put("topic", topic);
        n.put("code", code);
        n.put("reason", reason);
        n.put("payloadBytes", payloadBytes);
        int len = Math.min(payload.length, PREVIEW_CHARS * 4);
        String preview = new String(payload, 0, len, StandardCharsets.UTF_8);
        n.put("payloadPreview", preview.length() > PREVIEW_CHARS ? preview.substring(0, PREVIEW_CHARS) : preview);
        n.put("receivedAt", Instant.ofEpochMilli(receivedMillis).toString());
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a tree of plain values", e);
        }
    }
}
