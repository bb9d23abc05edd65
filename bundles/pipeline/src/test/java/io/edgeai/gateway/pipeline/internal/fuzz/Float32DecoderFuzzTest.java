package io.edgeai.gateway.pipeline.internal.fuzz;

import java.util.List;

import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.edgeai.gateway.pipeline.internal.decode.Float32Decoder;
import io.edgeai.gateway.testing.FuzzStats;

/** Format {@code float32-le}: the last byte picks the topic, the rest is the sample buffer. */
class Float32DecoderFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("float32-le");
    private static final Float32Decoder DECODER = new Float32Decoder(65536, 100);
    private static final List<String> TOPICS = List.of("raw/mcu-1/vibration", "raw/x", "raw//v");

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
