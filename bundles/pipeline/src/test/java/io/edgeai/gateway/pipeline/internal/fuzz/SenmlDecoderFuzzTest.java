package io.edgeai.gateway.pipeline.internal.fuzz;

import java.util.List;

import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.edgeai.gateway.pipeline.internal.decode.SenmlDecoder;
import io.edgeai.gateway.testing.FuzzStats;

/**
 * Format {@code senml}: the last byte picks the topic, the rest is the pack; with the upper half of the
 * picks the pack is built from the bytes instead ({@link Structures#senml}).
 */
class SenmlDecoderFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("senml");
    private static final SenmlDecoder DECODER = new SenmlDecoder(65536, 100);
    private static final List<String> TOPICS = List.of("senml/dev-1", "a/b/c", "senml/", "dev");

    @DictionaryEntries({
        "\"bn\":", "\"bt\":", "\"bv\":", "\"n\":", "\"v\":", "\"t\":", "\"vs\":", "\"vb\":", "\"vd\":", "\"s\":",
        "\"u\":", "\"x_\":", "1e308", "-1e308", "[{", "},{", "}]"
    })
    @FuzzTest(maxDuration = "10s")
    void decode(FuzzedDataProvider data) {
        int pick = data.consumeInt(0, 2 * TOPICS.size() - 1);
        byte[] payload = pick >= TOPICS.size() ? Structures.senml(data) : data.consumeRemainingAsBytes();
        DecoderInvariants.decode(DECODER, TOPICS.get(pick % TOPICS.size()), payload, 1_700_000_000_000L, STATS);
    }

    @AfterAll
    static void report() {
        STATS.report();
    }
}
