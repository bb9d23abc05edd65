package io.edgeai.gateway.pipeline.internal.fuzz;

import java.util.List;

import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.edgeai.gateway.pipeline.internal.decode.ReadingDecoder;
import io.edgeai.gateway.testing.FuzzStats;

/**
 * Format {@code json}: a JSON object with named fields, a JSON pointer into any JSON document, or a bare
 * number. Input layout: the last byte picks the field style and the topic, the rest is the payload (the
 * committed seeds are valid payloads followed by that byte); with the upper half of the picks the payload
 * is a JSON document built from the bytes instead ({@link Structures#reading}).
 */
class ReadingDecoderFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("json");
    private static final List<ReadingDecoder> DECODERS = List.of(
            new ReadingDecoder(65536, "value", "ts"),
            new ReadingDecoder(65536, "/sensor/value", "/sensor/ts"),
            new ReadingDecoder(65536, "/0/v", "/0/t"));
    private static final List<String> TOPICS =
            List.of("sensors/pump-1/temperature", "a/b/c/d", "x/y", "sensors//t", "sensors/d/");

    @DictionaryEntries({
        "\"value\":",
        "\"ts\":",
        "\"sensor\":",
        "\"v\":",
        "\"t\":",
        "T00:00:00Z",
        "+01:00",
        " 14:30:00.123",
        "1e999",
        "-0.0",
        "null",
        "true"
    })
    @FuzzTest(maxDuration = "10s")
    void decode(FuzzedDataProvider data) {
        int choices = DECODERS.size() * TOPICS.size();
        int pick = data.consumeInt(0, 2 * choices - 1);
        byte[] payload = pick >= choices ? Structures.reading(data) : data.consumeRemainingAsBytes();
        pick %= choices;
        DecoderInvariants.decode(
                DECODERS.get(pick % DECODERS.size()),
                TOPICS.get(pick / DECODERS.size()),
                payload,
                1_700_000_000_000L,
                STATS);
    }

    @AfterAll
    static void report() {
        STATS.report();
    }
}
