package io.edgeai.gateway.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.ShadowComparison;

/** The figures both pipelines keep of a shadow candidate. */
class ShadowFiguresTest {
    @Test
    void comparedInputsGiveAgreementAndScoreDifferencesOthersAreCountedApart() {
        ShadowFigures f = new ShadowFigures("nab-ae@2.0.0");
        assertEquals(Double.NaN, f.snapshot("demo").agreementPercent(), "nothing compared yet");
        f.warmingUp("nab-ae@1.0.0");
        f.count("nab-ae@1.0.0", true, 0.1);
        f.count("nab-ae@1.0.0", false, 0.4);
        f.count("nab-ae@1.1.0", true, 0.1);
        f.failed("");
        f.skipped();
        f.skipped();
        ShadowComparison c = f.snapshot("demo");
        assertEquals("demo", c.pipeline());
        assertEquals("nab-ae@1.1.0", c.serving(), "the serving model of the last compared input");
        assertEquals("nab-ae@2.0.0", c.candidate());
        assertEquals(3, c.compared());
        assertEquals(2, c.agreed());
        assertEquals(0.2, c.meanAbsDiff(), 1e-12);
        assertEquals(0.4, c.maxAbsDiff(), 1e-12);
        assertEquals(1, c.warmingUp());
        assertEquals(1, c.failed());
        assertEquals(2, c.skipped());
        assertEquals(200.0 / 3, c.agreementPercent(), 1e-9);
    }
}
