package io.edgeai.gateway.pipeline.internal.fuzz;

import java.util.List;

import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.edgeai.gateway.pipeline.internal.decode.SparkplugDecoder;
import io.edgeai.gateway.testing.FuzzStats;

/**
 * Format {@code sparkplug-b}. The last byte picks the topic; with a birth topic the payload is then also
 * decoded as the matching data message, so aliases declared by the birth are resolved. The rest of the
 * input is the protobuf payload, or with the upper half of the picks a payload built from the bytes
 * ({@link Structures#sparkplug}). A fresh decoder per input keeps every finding reproducible from its file.
 */
class SparkplugDecoderFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("sparkplug-b");
    private static final List<String> TOPICS = List.of(
            "spBv1.0/plant/NBIRTH/edge-1",
            "spBv1.0/plant/NDATA/edge-1",
            "spBv1.0/plant/DBIRTH/edge-1/pump",
            "spBv1.0/plant/DDATA/edge-1/pump",
            "spBv1.0/plant/NDEATH/edge-1",
            "spBv1.0/STATE/host",
            "spBv1.0/plant/DDATA/edge-1/",
            "spBv1.0//NDATA/edge-1",
            "spBv1.0/plant/NDATA",
            "other/plant/NDATA/edge-1");

    @FuzzTest(maxDuration = "10s")
    void decode(FuzzedDataProvider data) {
        int pick = data.consumeInt(0, 2 * TOPICS.size() - 1);
        String topic = TOPICS.get(pick % TOPICS.size());
        byte[] payload = pick >= TOPICS.size() ? Structures.sparkplug(data) : data.consumeRemainingAsBytes();
        SparkplugDecoder decoder = new SparkplugDecoder(65536, 100);
        DecoderInvariants.decode(decoder, topic, payload, 1_700_000_000_000L, STATS);
        if (topic.contains("BIRTH")) {
            DecoderInvariants.decode(decoder, topic.replace("BIRTH", "DATA"), payload, 1_700_000_000_000L, STATS);
        }
    }

    @AfterAll
    static void report() {
        STATS.report();
    }
}
