package io.edgeai.gateway.pipeline.internal.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReadingDecoderTest {
    private final ReadingDecoder decoder = new ReadingDecoder(65536, "value", "ts");

    private Reading decode(String topic, String payload) throws RejectedInputException {
        return decoder.decode(topic, payload.getBytes(StandardCharsets.UTF_8), 1_000L);
    }

    private String rejectCode(String payload) {
        return assertThrows(RejectedInputException.class, () -> decode("sensors/d1/temp", payload))
                .code();
    }

    @Test
    void decodesTheDocumentedJsonReading() throws Exception {
        Reading r = decode("sensors/pump-7/temperature", "{\"ts\":\"2014-02-14T14:30:00\",\"value\":83.2}");
        assertEquals("pump-7", r.device());
        assertEquals("temperature", r.quantity());
        assertEquals("2014-02-14T14:30:00", r.ts());
        assertEquals(1392388200000L, r.epochMillis());
        assertEquals(83.2, r.value());
    }

    @Test
    void decodesABareNumberWithTheReceiveTime() throws Exception {
        Reading r = decode("sensors/d/q", " 42 ");
        assertEquals(42.0, r.value());
        assertEquals(1_000L, r.epochMillis());
        assertEquals("1970-01-01T00:00:01Z", r.ts());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "2014-02-14 14:30:00|1392388200000",
                "2014-02-14T14:30:00Z|1392388200000",
                "2014-02-14T16:30:00+02:00|1392388200000",
                "2014-02-14T14:30:00.500|1392388200500"
            })
    void parsesTimestampForms(String ts, long epoch) throws Exception {
        assertEquals(
                epoch, decode("a/b/c", "{\"ts\":\"" + ts + "\",\"value\":1}").epochMillis());
    }

    @Test
    void acceptsEpochMillisTimestamps() throws Exception {
        assertEquals(
                1392388200000L,
                decode("a/b/c", "{\"ts\":1392388200000,\"value\":1}").epochMillis());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "hello|not-json",
                "{\"value\":1|not-json",
                "{\"value\":1} x|not-json",
                "{\"ts\":\"2014-02-14T14:30:00\"}|missing-field",
                "{\"value\":null}|missing-field",
                "{\"value\":\"83.2\"}|wrong-type",
                "{\"value\":[1,2]}|wrong-type",
                "[1,2,3]|wrong-type",
                "\"text\"|wrong-type",
                "{\"value\":NaN}|not-json",
                "NaN|not-json",
                "{\"value\":Infinity}|not-json",
                "{\"value\":1e400}|not-finite",
                "{\"value\":1,\"ts\":\"yesterday\"}|bad-timestamp",
                "{\"value\":1,\"ts\":true}|wrong-type",
                "'   '|empty"
            })
    void rejectsBadInputWithAReason(String payload, String code) {
        assertEquals(code, rejectCode(payload));
    }

    @Test
    void rejectsOversizePayloadsUnread() {
        byte[] big = new byte[10 * 1024 * 1024];
        RejectedInputException e =
                assertThrows(RejectedInputException.class, () -> decoder.decode("sensors/d/q", big, 0));
        assertEquals("oversize", e.code());
        assertTrue(e.getMessage().contains("10485760 bytes"), e.getMessage());
    }

    @Test
    void rejectsInvalidUtf8AndShortTopics() {
        assertEquals(
                "not-utf8",
                assertThrows(
                                RejectedInputException.class,
                                () -> decoder.decode("sensors/d/q", new byte[] {(byte) 0xff, (byte) 0xfe, '1'}, 0))
                        .code());
        assertEquals(
                "bad-topic",
                assertThrows(
                                RejectedInputException.class,
                                () -> decoder.decode("sensors", "1".getBytes(StandardCharsets.UTF_8), 0))
                        .code());
        assertEquals(
                "bad-topic",
                assertThrows(
                                RejectedInputException.class,
                                () -> decoder.decode("sensors/d/", "1".getBytes(StandardCharsets.UTF_8), 0))
                        .code());
    }

    @Test
    void honoursConfiguredFieldNames() throws Exception {
        ReadingDecoder custom = new ReadingDecoder(1024, "v", "time");
        Reading r = custom.decode(
                "x/y/z", "{\"time\":\"2014-02-14 14:30:00\",\"v\":-3.5}".getBytes(StandardCharsets.UTF_8), 0);
        assertEquals(-3.5, r.value());
        assertEquals(1392388200000L, r.epochMillis());
    }

    @Test
    void fieldsStartingWithASlashAreJsonPointers() throws Exception {
        ReadingDecoder pointer = new ReadingDecoder(65536, "/sensor/temp/value", "/sensor/temp/at");
        Reading r = pointer.decode(
                "plant/boiler-2/temp",
                ("{\"sensor\":{\"temp\":{\"value\":71.5," + "\"at\":\"2024-03-01T12:00:00Z\"}}}")
                        .getBytes(StandardCharsets.UTF_8),
                0);
        assertEquals(71.5, r.value());
        assertEquals(1_709_294_400_000L, r.epochMillis());
        ReadingDecoder inArray = new ReadingDecoder(65536, "/0/v", "/0/t");
        assertEquals(
                3.0,
                inArray.decode("a/b/c", "[{\"v\":3}]".getBytes(StandardCharsets.UTF_8), 9)
                        .value());
        RejectedInputException missing = assertThrows(
                RejectedInputException.class,
                () -> pointer.decode("a/b/c", "{\"sensor\":{}}".getBytes(StandardCharsets.UTF_8), 0));
        assertEquals("missing-field", missing.code());
    }

    /** Found by fuzzing: valid ISO-8601 beyond a long of epoch milliseconds threw ArithmeticException. */
    @Test
    void timestampsOutOfRangeAreRejected() {
        assertEquals("bad-timestamp", rejectCode("{\"ts\":\"+999999999-12-31T23:59:59\",\"value\":1}"));
        assertEquals("bad-timestamp", rejectCode("{\"ts\":\"-999999999-01-01T00:00:00Z\",\"value\":1}"));
        assertEquals("bad-timestamp", rejectCode("{\"ts\":\"+999999999-12-31 23:59:59\",\"value\":1}"));
    }
}
