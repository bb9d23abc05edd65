package io.edgeai.gateway.pipeline.internal.encode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.intake.DeadLetters;
import io.edgeai.gateway.pipeline.internal.decide.AlarmEvent;
import io.edgeai.gateway.pipeline.internal.decode.Reading;

/** Writes result messages as JSON (dead letters: {@link DeadLetters}); the field names are the documented contract. */
public final class ResultEncoder {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResultEncoder() {}

    /**
     * @param r the reading
     * @param score anomaly score 0..1
     * @param anomaly whether the series is in alarm after this reading
     * @param event the edge this reading caused
     * @param warmingUp whether the series is still learning its normal
     * @param model {@code name@version} that scored it
     * @return the result JSON
     */
    public static byte[] result(
            Reading r, double score, boolean anomaly, AlarmEvent event, boolean warmingUp, String model) {
        return result(r, score, anomaly, event, warmingUp, model, null, false, false);
    }

    /**
     * A result of a gateway group member with key affinity.
     *
     * @param r the reading
     * @param score anomaly score 0..1
     * @param anomaly whether the series is in alarm after this reading
     * @param event the edge this reading caused
     * @param warmingUp whether the series is still learning its normal
     * @param model {@code name@version} that scored it
     * @param member the member that owns the series (null: no group, and no member fields)
     * @param ownerChanged whether this is the member's first result since it took the series over
     * @param replayed whether the input was replayed after a takeover (its old owner may have answered it)
     * @return the result JSON
     */
    public static byte[] result(
            Reading r,
            double score,
            boolean anomaly,
            AlarmEvent event,
            boolean warmingUp,
            String model,
            String member,
            boolean ownerChanged,
            boolean replayed) {
        // streamed, not built as a tree: this runs once per reading (same bytes as the tree gave)
        ByteArrayOutputStream out = new ByteArrayOutputStream(192);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("device", r.device());
            g.writeStringField("quantity", r.quantity());
            g.writeStringField("ts", r.ts());
            g.writeNumberField("value", r.value());
            g.writeNumberField("score", Math.round(score * 1e6) / 1e6);
            g.writeBooleanField("anomaly", anomaly);
            if (event != AlarmEvent.NONE) {
                g.writeStringField("event", event.wireName());
            }
            g.writeBooleanField("warmingUp", warmingUp);
            g.writeStringField("model", model);
            if (member != null) {
                g.writeStringField("member", member);
                if (ownerChanged) {
                    g.writeBooleanField("ownerChanged", true);
                }
                if (replayed) {
                    g.writeBooleanField("replayed", true);
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON to memory", e);
        }
        return out.toByteArray();
    }

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
    public static byte[] deadLetter(
            String pipeline,
            String topic,
            String code,
            String reason,
            byte[] payload,
            int payloadBytes,
            long receivedMillis) {
        return DeadLetters.json(pipeline, topic, code, reason, payload, payloadBytes, receivedMillis);
    }
}
