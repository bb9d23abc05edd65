package io.edgeai.gateway.pipeline.internal.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;
import org.junit.jupiter.api.Test;

/**
 * Sparkplug B 3.0 payloads as an edge node sends them: a birth certificate declaring metrics with aliases,
 * data messages referring to them by alias, device messages, death certificates.
 */
class SparkplugDecoderTest {
    private static final long NOW = 1_700_000_000_000L;
    private final SparkplugDecoder decoder = new SparkplugDecoder(65536, 100);

    private static Metric.Builder metric(String name, long alias, int datatype) {
        Metric.Builder m = Metric.newBuilder().setDatatype(datatype).setAlias(alias);
        return name == null ? m : m.setName(name);
    }

    private List<Reading> decode(String topic, Payload p) throws RejectedInputException {
        return decoder.decodeAll(topic, p.toByteArray(), NOW);
    }

    @Test
    void birthDeclaresAliasesThatDataMessagesUse() throws Exception {
        Payload birth = Payload.newBuilder()
                .setTimestamp(1_000)
                .setSeq(0)
                .addMetrics(metric("bdSeq", 0, 8).setLongValue(0))
                .addMetrics(metric("Node Control/Rebirth", 1, 11).setBooleanValue(false))
                .addMetrics(metric("Inputs/Temperature", 2, 10).setDoubleValue(20.5))
                .addMetrics(metric("Inputs/Pressure", 3, 9).setFloatValue(1.25f))
                .build();
        List<Reading> b = decode("spBv1.0/plant-1/NBIRTH/edge-7", birth);
        // bdSeq is a (numeric) metric too; the boolean is skipped
        assertEquals(
                List.of("bdSeq", "Inputs_Temperature", "Inputs_Pressure"),
                b.stream().map(Reading::quantity).toList());
        assertEquals("edge-7", b.get(1).device());
        assertEquals(20.5, b.get(1).value());
        assertEquals(1_000, b.get(1).epochMillis());

        Payload data = Payload.newBuilder()
                .setTimestamp(2_000)
                .setSeq(1)
                .addMetrics(metric(null, 2, 10).setDoubleValue(21.75).setTimestamp(1_999))
                .addMetrics(metric(null, 3, 9).setFloatValue(1.5f))
                .build();
        List<Reading> d = decode("spBv1.0/plant-1/NDATA/edge-7", data);
        assertEquals(2, d.size());
        assertEquals("Inputs_Temperature", d.get(0).quantity());
        assertEquals(21.75, d.get(0).value());
        assertEquals(1_999, d.get(0).epochMillis(), "the metric's own timestamp");
        assertEquals(2_000, d.get(1).epochMillis(), "else the payload's");
    }

    @Test
    void deviceMessagesNameTheDeviceAndKeepTheirOwnAliases() throws Exception {
        decode(
                "spBv1.0/plant-1/DBIRTH/edge-7/pump-3",
                Payload.newBuilder()
                        .addMetrics(metric("rpm", 1, 7).setIntValue(1500))
                        .build());
        List<Reading> d = decode(
                "spBv1.0/plant-1/DDATA/edge-7/pump-3",
                Payload.newBuilder()
                        .addMetrics(metric(null, 1, 7).setIntValue(1510))
                        .build());
        assertEquals("pump-3", d.get(0).device());
        assertEquals("rpm", d.get(0).quantity());
        assertEquals(NOW, d.get(0).epochMillis(), "no timestamp anywhere: receive time");
        RejectedInputException e = assertThrows(
                RejectedInputException.class,
                () -> decode(
                        "spBv1.0/plant-1/DDATA/edge-7/pump-4",
                        Payload.newBuilder()
                                .addMetrics(metric(null, 1, 7).setIntValue(1))
                                .build()));
        assertEquals("unknown-alias", e.code());
    }

    @Test
    void integerTypesKeepTheirSignedness() throws Exception {
        List<Reading> r = decode(
                "spBv1.0/g/NBIRTH/n",
                Payload.newBuilder()
                        .addMetrics(metric("int8", 1, 1).setIntValue(-5))
                        .addMetrics(metric("int32", 2, 3).setIntValue(-70_000))
                        .addMetrics(metric("uint32", 3, 7).setIntValue((int) 4_000_000_000L))
                        .addMetrics(metric("int64", 4, 4).setLongValue(-9_000_000_000L))
                        .addMetrics(metric("uint64", 5, 8).setLongValue(-1L))
                        .addMetrics(metric("nothing", 6, 10).setIsNull(true))
                        .build());
        assertEquals(
                List.of(-5.0, -70_000.0, 4.0e9, -9.0e9, 1.8446744073709552e19),
                r.stream().map(Reading::value).toList());
    }

    @Test
    void aHandEncodedPayloadDecodes() throws Exception {
        // Payload{timestamp=1000, metrics=[Metric{name="t", datatype=Double(10), double_value=2.5}]} in protobuf
        // wire format: 08 e807 | 12 0e [0a 01 74 | 20 0a | 69 <2.5 as little-endian double>]
        byte[] wire = {
            0x08, (byte) 0xe8, 0x07, 0x12, 0x0e, 0x0a, 0x01, 0x74, 0x20, 0x0a, 0x69, 0, 0, 0, 0, 0, 0, 0x04, 0x40
        };
        List<Reading> r = decoder.decodeAll("spBv1.0/g/NDATA/n", wire, NOW);
        assertEquals(1, r.size());
        assertEquals("t", r.get(0).quantity());
        assertEquals(2.5, r.get(0).value());
        assertEquals(1_000, r.get(0).epochMillis());
    }

    @Test
    void deathCertificatesCommandsAndStateCarryNoReadings() throws Exception {
        assertTrue(decode(
                        "spBv1.0/g/NDEATH/n",
                        Payload.newBuilder()
                                .addMetrics(metric("bdSeq", 0, 8).setLongValue(0))
                                .build())
                .isEmpty());
        assertTrue(decode("spBv1.0/g/DCMD/n/d", Payload.newBuilder().build()).isEmpty());
        assertTrue(decoder.decodeAll("spBv1.0/STATE/host-1", "{\"online\":true}".getBytes(), NOW)
                .isEmpty());
    }

    @Test
    void garbageWrongTopicsAndBigPayloadsAreRejected() {
        assertEquals(
                "not-sparkplug",
                assertThrows(
                                RejectedInputException.class,
                                () -> decoder.decodeAll("spBv1.0/g/NDATA/n", new byte[] {(byte) 0xff, 0x01, 0x02}, NOW))
                        .code());
        assertEquals(
                "bad-topic",
                assertThrows(RejectedInputException.class, () -> decoder.decodeAll("sensors/a/b", new byte[0], NOW))
                        .code());
        Payload.Builder big = Payload.newBuilder();
        for (int i = 0; i < 101; i++) {
            big.addMetrics(metric("m" + i, i, 10).setDoubleValue(i));
        }
        assertEquals(
                "too-many-values",
                assertThrows(RejectedInputException.class, () -> decode("spBv1.0/g/NBIRTH/n", big.build()))
                        .code());
    }

    /** Found by fuzzing: an empty device level gave results with an empty device under an empty topic level. */
    @Test
    void emptyOrExtraTopicLevelsAreRejected() {
        Payload p = Payload.newBuilder()
                .addMetrics(metric("rpm", 1, 7).setIntValue(1500))
                .build();
        for (String topic :
                List.of("spBv1.0/g/DDATA/n/", "spBv1.0/g/NDATA/", "spBv1.0//NDATA/n", "spBv1.0/g/DDATA/n/d/x")) {
            assertEquals(
                    "bad-topic",
                    assertThrows(RejectedInputException.class, () -> decode(topic, p))
                            .code(),
                    topic);
        }
    }

    /**
     * Found by fuzzing: a metric name with bytes that are not UTF-8 (decoded as U+FFFD) or control characters
     * became a result topic that Paho refused while writing it, which dropped the gateway's connection.
     */
    @Test
    void metricNamesBecomeTopicLevelsPahoAccepts() throws Exception {
        Payload p = Payload.newBuilder()
                .addMetrics(metric("a\uFFFDb\u0000c\u0085d\uFF21e/f+g#h", 1, 10).setDoubleValue(1))
                .build();
        assertEquals("a_b_c_d_e_f_g_h", decode("spBv1.0/g/NBIRTH/n", p).get(0).quantity());
        // Paho 1.2.5 refuses every supplementary character too (found by fuzzing: U+9F2CA)
        Payload emoji = Payload.newBuilder()
                .addMetrics(metric("t\uD83C\uDF21\u00e9", 1, 10).setDoubleValue(1))
                .build();
        assertEquals("t_\u00e9", decode("spBv1.0/g/NBIRTH/n", emoji).get(0).quantity());
    }
}
