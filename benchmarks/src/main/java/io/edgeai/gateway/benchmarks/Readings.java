package io.edgeai.gateway.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Synthetic sensor readings in the demo pipeline's contract, {@code {"ts":<epoch ms>,"value":<v>}}, one series
 * per topic {@code sensors/dev-<i>/temperature}: a daily sine with seeded noise, one reading per five minutes of
 * series time, so the seasonal channel and the likelihood behave as on NAB data. The same bytes go to every
 * system under test.
 */
final class Readings {
    static final long START_MILLIS = 1_400_000_000_000L;
    static final long STEP_MILLIS = 300_000L;
    private final String[] topics;
    private final long[] next;
    private final Random random = new Random(42);

    /** @param series number of series (topics) */
    Readings(int series) {
        topics = new String[series];
        next = new long[series];
        for (int i = 0; i < series; i++) {
            topics[i] = "sensors/dev-" + i + "/temperature";
        }
    }

    int series() {
        return topics.length;
    }

    String topic(int s) {
        return topics[s];
    }

    /** @return the next sequence number series {@code s} will get */
    long nextSeq(int s) {
        return next[s];
    }

    /**
     * @param s the series
     * @return the payload of its next reading (the sequence number advances)
     */
    byte[] nextPayload(int s) {
        long seq = next[s]++;
        double v = 50 + 10 * Math.sin(2 * Math.PI * seq / 288.0) + s % 7 + random.nextGaussian() * 0.5;
        return ("{\"ts\":" + (START_MILLIS + seq * STEP_MILLIS) + ",\"value\":" + Math.round(v * 1000) / 1000.0 + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** @return the sequence number encoded in a result's {@code ts} (epoch ms as text) */
    static long seqOfTs(String ts) {
        return (Long.parseLong(ts) - START_MILLIS) / STEP_MILLIS;
    }
}
