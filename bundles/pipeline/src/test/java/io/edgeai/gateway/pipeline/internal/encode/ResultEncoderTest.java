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
        JsonNode n = MAPPER.readTree(ResultEncoder.result(r, 0.9734567891, true, AlarmEvent.ALARM, false,
                "nab-ae@1.0.0"));
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
    void deadLetterCarriesReasonAndABoundedPreview() throws Exception {
        byte[] big = "x".repeat(5000).getBytes(StandardCharsets.UTF_8);
        JsonNode n = MAPPER.readTree(ResultEncoder.deadLetter("demo", "sensors/a/b", "oversize", "too big", big, big.length, 0));
        assertEquals("demo", n.get("pipeline").asText());
        assertEquals("sensors/a/b", n.get("topic").asText());
        assertEquals("oversize", n.get("code").asText());
        assertEquals("too big", n.get("reason").asText());
        assertEquals(5000, n.get("payloadBytes").asInt());
        assertEquals(200, n.get("payloadPreview").asText().length());
    }
}
