package io.edgeai.gateway.pipeline.internal.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Packs from RFC 8428, section 5.1, and the rules of sections 4.4 and 4.5. */
class SenmlDecoderTest {
    private static final long NOW = 1_700_000_000_000L;
    private final SenmlDecoder decoder = new SenmlDecoder(65536, 100);

    private List<Reading> decode(String topic, String json) throws RejectedInputException {
        return decoder.decodeAll(topic, json.getBytes(StandardCharsets.UTF_8), NOW);
    }

    private String code(String json) {
        return assertThrows(RejectedInputException.class, () -> decode("senml/dev-1", json))
                .code();
    }

    @Test
    void singleDatapointWithoutTimeIsNow() throws Exception {
        // RFC 8428 5.1.1
        List<Reading> r = decode("senml/dev-1", "[{\"n\":\"urn:dev:ow:10e2073a01080063\",\"u\":\"Cel\",\"v\":23.1}]");
        assertEquals(1, r.size());
        assertEquals("dev-1", r.get(0).device());
        assertEquals("urn:dev:ow:10e2073a01080063", r.get(0).quantity());
        assertEquals(23.1, r.get(0).value());
        assertEquals(NOW, r.get(0).epochMillis());
    }

    @Test
    void baseNameIsPrependedToEveryRecord() throws Exception {
        // RFC 8428 5.1.2
        List<Reading> r = decode(
                "senml/dev-1",
                "[{\"bn\":\"urn:dev:ow:10e2073a01080063:\",\"n\":\"voltage\",\"u\":\"V\","
                        + "\"v\":120.1},{\"n\":\"current\",\"u\":\"A\",\"v\":1.2}]");
        assertEquals(
                List.of("urn:dev:ow:10e2073a01080063:voltage", "urn:dev:ow:10e2073a01080063:current"),
                r.stream().map(Reading::quantity).toList());
        assertEquals(List.of(120.1, 1.2), r.stream().map(Reading::value).toList());
    }

    @Test
    void baseTimePlusRelativeTimesGiveAbsoluteTimes() throws Exception {
        // RFC 8428 5.1.3
        List<Reading> r = decode(
                "senml/dev-1",
                "[{\"bn\":\"urn:dev:ow:10e2073a0108006:\",\"bt\":1.276020076001e+09,"
                        + "\"bu\":\"A\",\"bver\":5,\"n\":\"voltage\",\"u\":\"V\",\"v\":120.1},"
                        + "{\"n\":\"current\",\"t\":-5,\"v\":1.2},{\"n\":\"current\",\"t\":-4,\"v\":1.3},"
                        + "{\"n\":\"current\",\"t\":-3,\"v\":1.4},{\"n\":\"current\",\"t\":-2,\"v\":1.5},"
                        + "{\"n\":\"current\",\"t\":-1,\"v\":1.6},{\"n\":\"current\",\"v\":1.7}]");
        assertEquals(7, r.size());
        assertEquals(1_276_020_076_001L, r.get(0).epochMillis());
        assertEquals(1_276_020_071_001L, r.get(1).epochMillis());
        assertEquals(1_276_020_076_001L, r.get(6).epochMillis());
        assertEquals(1.7, r.get(6).value());
        assertEquals("2010-06-08T18:01:16.001Z", r.get(0).ts());
    }

    @Test
    void recordsWithoutNameUseTheBaseNameAndNonNumericRecordsAreSkipped() throws Exception {
        // RFC 8428 5.1.5 (first records) and 5.1.6 (boolean value)
        List<Reading> r = decode(
                "senml/dev-1",
                "[{\"bn\":\"urn:dev:ow:10e2073a01080063:\",\"bt\":1.320067464e+09,"
                        + "\"bu\":\"%RH\",\"v\":20},{\"u\":\"lon\",\"v\":24.30621},{\"t\":60,\"v\":20.3},"
                        + "{\"n\":\"open\",\"vb\":true},{\"n\":\"label\",\"vs\":\"pump\"}]");
        assertEquals(3, r.size());
        assertEquals("urn:dev:ow:10e2073a01080063:", r.get(0).quantity());
        assertEquals(1_320_067_524_000L, r.get(2).epochMillis());
    }

    @Test
    void baseValueIsAddedAndSmallTimesAreRelativeToNow() throws Exception {
        List<Reading> r =
                decode("senml/dev-1", "[{\"bn\":\"pump:\",\"bv\":100,\"n\":\"pressure\",\"v\":2.5,\"t\":-10}]");
        assertEquals(102.5, r.get(0).value());
        assertEquals(NOW - 10_000, r.get(0).epochMillis());
    }

    @Test
    void malformedPacksAreRejectedWithAReason() {
        assertEquals("wrong-type", code("{\"n\":\"x\",\"v\":1}"));
        assertEquals("not-json", code("[{\"n\":\"x\",\"v\":1}"));
        assertEquals("unsupported-field", code("[{\"n\":\"x\",\"v\":1,\"rt_\":\"must understand\"}]"));
        assertEquals("bad-name", code("[{\"n\":\"-x\",\"v\":1}]"));
        assertEquals("bad-name", code("[{\"v\":1}]"));
        assertEquals("missing-field", code("[{\"n\":\"open\",\"vb\":true}]"));
        assertEquals("wrong-type", code("[{\"n\":\"x\",\"v\":\"1\"}]"));
        assertEquals(
                "bad-topic",
                assertThrows(RejectedInputException.class, () -> decode("dev-1", "[{\"n\":\"x\",\"v\":1}]"))
                        .code());
    }

    @Test
    void packsBeyondTheBatchLimitAreRejected() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 101; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"n\":\"x\",\"v\":").append(i).append('}');
        }
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> decode("senml/d", sb + "]"));
        assertEquals("too-many-values", e.code());
    }
}
