package io.edgeai.gateway.pipeline.internal.fuzz;

import java.util.List;

import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.edgeai.gateway.pipeline.internal.decode.SenmlDecoder;

/** Format {@code senml}: the last byte picks the topic, the rest is the pack. */
class SenmlDecoderFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("senml");
    private static final SenmlDecoder DECODER = new SenmlDecoder(65536, 100);
    private static final List<String> TOPICS = List.of("senml/dev-1", "a/b/c", "senml/", "dev");

    @DictionaryEntries({"\"bn\":", "\"bt\":", "\"bv\":", "\"n\":", "\"v\":", "\"t\":", "\"vs\":", "\"vb\":", "\"vd\":", "\"s\":", "\"u\":", "\"x_\":", "1e308", "-1e308", "[{", "},{", "}]"})
    @FuzzTest(maxDuration = "10s")
    void decode(FuzzedDataProvider data) {
        String topic = TOPICS.get(data.consumeInt(0, TOPICS.size() - 1));
        DecoderInvariants.decode(DECODER, topic, data.consumeRemainingAsBytes(), 1_700_000_000_000L, STATS);
    }

    @AfterAll
    static void report() {
        STATS.report();
    }
}
