package io.edgeai.gateway.pipeline.internal.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.edgeai.gateway.pipeline.internal.decode.PayloadDecoder;
import io.edgeai.gateway.pipeline.internal.decode.Reading;
import io.edgeai.gateway.pipeline.internal.decode.RejectedInputException;
import io.edgeai.gateway.testing.FuzzStats;

/**
 * What every payload decoder promises for any input: it returns readings that can be scored and published
 * (finite values, a device and a quantity usable as topic levels), or throws {@link RejectedInputException}
 * with a code and a reason. Any other exception or error escapes to Jazzer, which reports it as a finding.
 */
final class DecoderInvariants {
    private DecoderInvariants() {}

    /**
     * Decodes one input and checks the outcome.
     *
     * @return the readings, or null when the input was rejected
     */
    static List<Reading> decode(PayloadDecoder decoder, String topic, byte[] payload, long now, FuzzStats stats) {
        stats.execution();
        List<Reading> readings;
        try {
            readings = decoder.decodeAll(topic, payload, now);
        } catch (RejectedInputException e) {
            assertNotNull(e.code(), "rejection without a code");
            assertFalse(e.code().isBlank(), "rejection without a code");
            assertNotNull(e.getMessage(), "rejection without a reason: " + e.code());
            assertFalse(e.getMessage().isBlank(), "rejection without a reason: " + e.code());
            stats.outcome("rejected");
            stats.code(e.code());
            return null;
        }
        assertNotNull(readings, "null instead of readings");
        for (Reading r : readings) {
            assertTrue(Double.isFinite(r.value()), "not finite: " + r);
            assertNotNull(r.ts(), "no timestamp text: " + r);
            assertTopicLevel(r.device(), r);
            assertTopicLevel(r.quantity(), r);
        }
        stats.outcome(readings.isEmpty() ? "nothing-to-score" : "readings");
        return readings;
    }

    /**
     * The device and quantity become levels of the result topic: non-empty, no separators or wildcards, and
     * nothing Paho 1.2.5 refuses to write (control characters, U+FDD0 and above, so any surrogate).
     */
    static void assertTopicLevel(String level, Reading r) {
        assertNotNull(level, "null topic level: " + r);
        assertFalse(level.isEmpty(), "empty topic level: " + r);
        for (int i = 0; i < level.length(); i++) {
            char c = level.charAt(i);
            assertTrue(
                    c != '/'
                            && c != '+'
                            && c != '#'
                            && !Character.isISOControl(c)
                            && !Character.isSurrogate(c)
                            && c < 0xFDD0,
                    "character " + Integer.toHexString(c) + " cannot stand in a topic level: " + r);
        }
    }
}
