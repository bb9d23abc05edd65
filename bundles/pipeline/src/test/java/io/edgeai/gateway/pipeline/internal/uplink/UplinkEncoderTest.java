package io.edgeai.gateway.pipeline.internal.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The uplink's payloads, field by field, and the policy's checks. */
class UplinkEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode parse(byte[] b) throws Exception {
        return JSON.readTree(b);
    }

    @Test
    void theBeforeRingKeepsTheLastReadingsOldestFirst() {
        EvidenceRing r = new EvidenceRing(3);
        for (int i = 1; i <= 5; i++) {
            r.add(i * 10L, i + 0.5);
        }
        Points p = r.copy();
        assertEquals(3, p.size());
        for (int i = 0; i < 3; i++) {
            assertEquals((i + 3) * 10L, p.ts(i));
            assertEquals(i + 3.5, p.value(i));
        }
    }

    @Test
    void unevenlySpacedEvidenceCarriesEachReadingsOffset() throws Exception {
        SeriesUplink s = new SeriesUplink("pump-1/flow", 2);
        Points before = new Points(2);
        before.add(1000, 1.5);
        before.add(1700, 2.25);
        Points after = new Points(2);
        after.add(2100, 9.0);
        Evidence e = new Evidence(2000, 8.5, 0.75, "nab-ae@1.3.0", before, after);
        JsonNode n = parse(UplinkEncoder.evidence("demo", s, e));
        assertEquals("pump-1", n.get("device").asText());
        assertEquals("flow", n.get("quantity").asText());
        assertEquals(2000, n.get("ts").asLong());
        assertEquals(8.5, n.get("value").asDouble());
        assertEquals(0.75, n.get("score").asDouble());
        assertEquals("[1.5,2.25]", n.get("before").toString());
        assertEquals("[9.0]", n.get("after").toString());
        assertEquals("[-1000,-300]", n.get("beforeDt").toString());
        assertEquals("[100]", n.get("afterDt").toString());
        assertFalse(n.has("step"));
    }

    @Test
    void evenlySpacedEvidenceCarriesOneStep() throws Exception {
        Points before = new Points(2);
        before.add(1000, 1);
        before.add(1500, 2);
        Points after = new Points(1);
        after.add(2500, 4);
        JsonNode n = parse(UplinkEncoder.evidence(
                "demo", new SeriesUplink("a/b", 2), new Evidence(2000, 3, 1, "m@1", before, after)));
        assertEquals(500, n.get("step").asLong());
        assertFalse(n.has("beforeDt"));
        assertFalse(n.has("afterDt"));
    }

    @Test
    void aSeriesInAlarmWithoutReadingsIsSummarisedWithItsAlarmTimeOnly() throws Exception {
        SeriesUplink quiet = new SeriesUplink("pump-1/flow", 0);
        quiet.alarmMillis = 60_000;
        SeriesUplink busy = new SeriesUplink("pump-2/flow", 0);
        busy.summarise(3, 0.1);
        busy.summarise(1, 0.7);
        busy.summarise(2, 0);
        JsonNode n = parse(UplinkEncoder.pipelineSummary("demo", 0, 60_000, java.util.List.of(quiet, busy), 1, 1));
        assertEquals(
                "[0,null,null,null,null,0.0,60000]",
                n.get("series").get("pump-1/flow").toString());
        assertEquals(
                "[3,1.0,3.0,2.0,2.0,0.7,0]", n.get("series").get("pump-2/flow").toString());
        assertFalse(n.has("part"), "one message: no part numbers");
        JsonNode one = parse(UplinkEncoder.seriesSummary("demo", 0, 60_000, busy));
        assertEquals("pump-2", one.get("device").asText());
        assertEquals(3, one.get("count").asInt());
        assertEquals(2.0, one.get("mean").asDouble());
    }

    @Test
    void aPolicyThatCannotWorkIsRefusedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new UplinkSettings("cloud", "edgeai/uplink", 60, "daily", 500, 32, 32));
        assertTrue(e.getMessage().contains("uplinkSummaryMode"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new UplinkSettings("cloud", "edgeai/+", 60, "pipeline", 500, 32, 32));
        assertThrows(
                IllegalArgumentException.class,
                () -> new UplinkSettings("cloud", "edgeai/uplink", 60, "pipeline", 500, 2000, 32));
        assertFalse(UplinkSettings.OFF.enabled(), "off unless a connection is named");
        assertEquals("edgeai/uplink", new UplinkSettings("c", "edgeai/uplink/", 60, "series", 1, 0, 0).topicPrefix());
    }
}
