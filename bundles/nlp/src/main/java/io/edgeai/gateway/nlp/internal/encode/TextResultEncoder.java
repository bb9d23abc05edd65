package io.edgeai.gateway.nlp.internal.encode;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.edgeai.gateway.nlp.internal.intent.IntentResult;
import io.edgeai.gateway.nlp.internal.intent.Scored;
import io.edgeai.gateway.nlp.internal.slots.Entity;

/** Result JSON of the text pipeline (its dead letters: the shared intake's {@code DeadLetters}). */
public final class TextResultEncoder {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TextResultEncoder() {}

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
    public static byte[] result(
            String topic,
            String text,
            IntentResult intent,
            String intentModel,
            List<Entity> entities,
            float[] embedding,
            String model,
            boolean truncated) {
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
        putEntities(n, entities);
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

    /** {@code "entities":[{"type","text","start","end","confidence"}]}, when entities were asked for. */
    private static void putEntities(ObjectNode n, List<Entity> entities) {
        if (entities == null) {
            return;
        }
        ArrayNode arr = n.putArray("entities");
        for (Entity e : entities) {
            arr.addObject()
                    .put("type", e.type())
                    .put("text", e.text())
                    .put("start", e.start())
                    .put("end", e.end())
                    .put("confidence", round(e.confidence()));
        }
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

    /**
     * What goes up a text pipeline's uplink: {@code {"pipeline","topic","intent","confidence","intentModel",
     * "entities":[{"type","text","start","end","confidence"}],"model","truncated","text"}}, without the
     * alternatives and the embedding; {@code intent..intentModel} and {@code entities} only when asked for,
     * {@code text} only when {@code text} is not null.
     *
     * @param pipeline the pipeline's name
     * @param topic input topic
     * @param text the decoded text, null when it stays on site
     * @param intent the intent, or null when not asked
     * @param intentModel what decided the intent
     * @param entities entities, or null when not asked
     * @param model the encoder's {@code name@version}
     * @param truncated true when the text was longer than the encoder's maximum length
     * @return the JSON bytes
     */
    public static byte[] uplink(
            String pipeline,
            String topic,
            String text,
            IntentResult intent,
            String intentModel,
            List<Entity> entities,
            String model,
            boolean truncated) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("pipeline", pipeline);
        n.put("topic", topic);
        if (intent != null) {
            n.put("intent", intent.intent());
            n.put("confidence", round(intent.confidence()));
            n.put("intentModel", intentModel);
        }
        putEntities(n, entities);
        n.put("model", model);
        if (truncated) {
            n.put("truncated", true);
        }
        if (text != null) {
            n.put("text", text);
        }
        return bytes(n);
    }
}
