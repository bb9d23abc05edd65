package io.edgeai.gateway.nlp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The case features must equal what tools/train-nlp/train.py computed for training (Python's
 * {@code s[0].isupper()}, {@code s.isupper()}, {@code any(c.isdigit() for c in s)}); expected values below
 * are Python's answers for the same strings.
 */
class HeadInputsTest {
    @ParameterizedTest
    @CsvSource({
        "Order, 1, 0, 0",
        "order, 0, 0, 0",
        "NASA, 1, 1, 0",
        "R&B, 1, 1, 0",
        "&, 0, 0, 0",
        "2pm, 0, 0, 1",
        "A1, 1, 1, 1",
        "42, 0, 0, 1",
        "Été, 1, 0, 0",
        "ÉTÉ, 1, 1, 0",
        "ǅ, 0, 0, 0",
        "日本, 0, 0, 0",
    })
    void caseFeaturesMatchTraining(String piece, float first, float all, float digit) {
        float[] row = new float[5];
        HeadInputs.caseFeatures(piece, row, 2);
        assertArrayEquals(new float[] {0, 0, first, all, digit}, row, piece);
    }
}
