package io.edgeai.gateway.pipeline.internal.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

class Float32DecoderTest {
    private final Float32Decoder decoder = new Float32Decoder(1024, 8);

    private static byte[] le(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    @Test
    void littleEndianSamplesBecomeReadingsInOrder() throws Exception {
        // 1.5f little-endian is 00 00 c0 3f
        assertEquals(
                1.5,
                decoder.decodeAll("vib/m-1/accel", new byte[] {0, 0, (byte) 0xc0, 0x3f}, 5)
                        .get(0)
                        .value());
        List<Reading> r = decoder.decodeAll("vib/m-1/accel", le(1.5f, -2.25f, 3f), 42);
        assertEquals(List.of(1.5, -2.25, 3.0), r.stream().map(Reading::value).toList());
        assertEquals("m-1", r.get(0).device());
        assertEquals("accel", r.get(0).quantity());
        assertEquals(42, r.get(2).epochMillis());
    }

    @Test
    void partialValuesNanAndTooManyAreRejected() {
        assertEquals(
                "bad-length",
                assertThrows(RejectedInputException.class, () -> decoder.decodeAll("vib/m/a", new byte[7], 0))
                        .code());
        assertEquals(
                "not-finite",
                assertThrows(RejectedInputException.class, () -> decoder.decodeAll("vib/m/a", le(1f, Float.NaN), 0))
                        .code());
        assertEquals(
                "too-many-values",
                assertThrows(RejectedInputException.class, () -> decoder.decodeAll("vib/m/a", le(new float[9]), 0))
                        .code());
        assertEquals(
                "empty",
                assertThrows(RejectedInputException.class, () -> decoder.decodeAll("vib/m/a", new byte[0], 0))
                        .code());
        assertEquals(
                "oversize",
                assertThrows(RejectedInputException.class, () -> decoder.decodeAll("vib/m/a", new byte[2048], 0))
                        .code());
    }
}
