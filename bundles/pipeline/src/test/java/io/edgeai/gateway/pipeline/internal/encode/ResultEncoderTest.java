package io.edgeai.gateway.pipeline.internal.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.pipeline.internal.decide.AlarmEvent;
import io.edgeai.gateway.pipeline.internal.decode.Reading;

class ResultEncoderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void resultCarriesTheDocumentedFields() throws Exception {
        Reading r = new Reading("pump-7", "temperature", "2014-02-14T14:30:00", 0, 83.2);
        JsonNode n =
                MAPPER.readTree(ResultEncoder.result(r, 0.9734567891, true, AlarmEvent.ALARM, false, "nab-ae@1.0.0"));
        assertEquals("pump-7", n.get("device").asText());
        assertEquals("temperature", n.get("quantity").asText());
        assertEquals("2014-02-14T14:30:00", n.get("ts").asText());
        assertEquals(83.2, n.get("value").asDouble());
        assertEquals(0.973457, n.get("score").asDouble());
        assertTrue(n.get("anomaly").asBoolean());
        assertEquals("alarm", n.get("event").asText());
        assertEquals("nab-ae@1.0.0", n.get("model").asText());
        assertFalse(n.get("warmingUp").asBoolean());
        JsonNode quiet = MAPPER.readTree(ResultEncoder.result(r, 0.1, false, AlarmEvent.NONE, true, "m@1"));
        assertFalse(quiet.has("event"));
    }

    @Test
    void streamedResultIsByteForByteTheTreeItReplaced() throws Exception {
        String[] names = {"pump-7", "caf\u00e9 \"north\"", "tab\tand\\slash", "\u6e29\u5ea6", "ctl\u0001"};
        double[] values = {83.2, -0.0, 1e-7, 12345678901234.5, Double.MIN_VALUE, -273.15};
        double[] scores = {0, 0.5, 0.9734567891, 1, 1e-9};
        java.util.Random random = new java.util.Random(7);
        for (String name : names) {
            for (double v : values) {
                for (double score : scores) {
                    AlarmEvent event = AlarmEvent.values()[random.nextInt(AlarmEvent.values().length)];
                    boolean flag = random.nextBoolean();
                    Reading r = new Reading(name, name + "/q", Long.toString(random.nextLong()), 0, v);
                    com.fasterxml.jackson.databind.node.ObjectNode tree =
                            tree(r, score, flag, event, !flag, "m@" + name);
                    assertEquals(
                            MAPPER.writeValueAsString(tree),
                            new String(
                                    ResultEncoder.result(r, score, flag, event, !flag, "m@" + name),
                                    StandardCharsets.UTF_8));
                    tree.put("member", name);
                    tree.put("ownerChanged", true);
                    assertEquals(
                            MAPPER.writeValueAsString(tree),
                            new String(
                                    ResultEncoder.result(r, score, flag, event, !flag, "m@" + name, name, true, false),
                                    StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** The result as the encoder used to build it: a Jackson tree, serialised. */
    private static com.fasterxml.jackson.databind.node.ObjectNode tree(
            Reading r, double score, boolean anomaly, AlarmEvent event, boolean warmingUp, String model) {
        com.fasterxml.jackson.databind.node.ObjectNode n = MAPPER.createObjectNode();
        n.put("device", r.device());
        n.put("quantity", r.quantity());
        n.put("ts", r.ts());
        n.put("value", r.value());
        n.put("score", Math.round(score * 1e6) / 1e6);
        n.put("anomaly", anomaly);
        if (event != AlarmEvent.NONE) {
            n.put("event", event.wireName());
        }
        n.put("warmingUp", warmingUp);
        n.put("model", model);
        return n;
    }

    @Test
    void deadLetterCarriesReasonAndABoundedPreview() throws Exception {
        byte[] big = "x".repeat(5000).getBytes(StandardCharsets.UTF_8);
        JsonNode n = MAPPER.readTree(
                ResultEncoder.deadLetter("demo", "sensors/a/b", "oversize", "too big", big, big.length, 0));
        assertEquals("demo", n.get("pipeline").asText());
        assertEquals("sensors/a/b", n.get("topic").asText());
        assertEquals("oversize", n.get("code").asText());
        assertEquals("too big", n.get("reason").asText());
        assertEquals(5000, n.get("payloadBytes").asInt());
        assertEquals(200, n.get("payloadPreview").asText().length());
    }
}
