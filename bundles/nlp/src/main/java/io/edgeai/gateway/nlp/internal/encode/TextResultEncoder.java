package io.edgeai.gateway.nlp.internal.encode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.edgeai.gateway.nlp.internal.intent.IntentResult;
import io.edgeai.gateway.nlp.internal.intent.Scored;
import io.edgeai.gateway.nlp.internal.slots.Entity;

/** Result and dead-letter JSON of the text pipeline. */
public final class TextResultEncoder {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int PREVIEW_CHARS = 200;

    private TextResultEncoder() {
    }

    /**
     * @param topic input topic
     * @param text the decoded text
     * @param intent the intent, or null when not asked
     * @param intentModel what decided the intent ({@code few-shot} or a head's {@code name@version})
     * @param entities entities, or null when not asked
     * @param embedding the sentence embedding, or null when not asked
     * @param model the encoder's {@code name@version}
     * @param truncated true when the text was longer than the encoder's maximum length
     * @return the JSON bytes
     */
    public static byte[] result(String topic, String text, IntentResult intent, String intentModel,
            List<Entity> entities, float[] embedding, String model, boolean truncated) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("topic", topic);
        n.put("text", text);
        if (intent != null) {
            n.put("intent", intent.intent());
            n.put("confidence", round(intent.confidence()));
            ArrayNode alts = n.putArray("alternatives");
            for (Scored s : intent.alternatives()) {
                alts.addObject().put("intent", s.intent()).put("confidence", round(s.confidence()));
            }
            n.put("intentModel", intentModel);
        }
        if (entities != null) {
            ArrayNode arr = n.putArray("entities");
            for (Entity e : entities) {
                arr.addObject().put("type", e.type()).put("text", e.text()).put("start", e.start()).put("end", e.end())
                        .put("confidence", round(e.confidence()));
            }
        }
        if (embedding != null) {
            ArrayNode arr = n.putArray("embedding");
            for (float f : embedding) {
                arr.add(f);
            }
        }
        n.put("model", model);
        if (truncated) {
            n.put("truncated", true);
        }
        return bytes(n);
    }

    /**
     * @param pipeline pipeline name
     * @param topic input topic
     * @param code machine-readable reason
     * @param reason the reason for people
     * @param payload the (possibly cut) payload
     * @param payloadBytes the original payload size
     * @param receivedMillis when it arrived
     * @return the JSON bytes
     */
    public static byte[] deadLetter(String pipeline, String topic, String code, String reason, byte[] payload,
            int payloadBytes, long receivedMillis) {
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
        return bytes(n);
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    private static byte[] bytes(ObjectNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a tree of plain values", e);
        }
    }
}
