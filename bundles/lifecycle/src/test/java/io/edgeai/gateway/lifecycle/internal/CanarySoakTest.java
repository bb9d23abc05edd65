package io.edgeai.gateway.lifecycle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.ShadowComparison;

class CanarySoakTest {
    private static final String CANDIDATE = "nab-ae@2.0.0";
    private static final CanarySoak.Criteria CRITERIA = new CanarySoak.Criteria(100, 10_000, 99.0, 0.25);

    private static ShadowComparison figures(
            String pipeline, String candidate, long compared, long agreed, double mean, double max, long failed) {
        return new ShadowComparison(pipeline, "nab-ae@1.0.0", candidate, compared, agreed, mean, max, 0, failed, 0);
    }

    @Test
    void figuresOfTheCandidateAreSummedOverPipelines() {
        CanarySoak.Verdict s = CanarySoak.sum(
                CANDIDATE,
                List.of(
                        figures("a", CANDIDATE, 60, 60, 0.01, 0.05, 0),
                        figures("b", CANDIDATE, 40, 38, 0.02, 0.2, 0),
                        figures("a", "nab-ae@3.0.0", 500, 0, 0.9, 1, 7)));
        assertEquals(100, s.compared());
        assertEquals(98, s.agreed());
        assertEquals(98.0, s.agreementPercent(), 1e-9);
        assertEquals((60 * 0.01 + 40 * 0.02) / 100, s.meanAbsDiff(), 1e-12);
        assertEquals(0.2, s.maxAbsDiff(), 1e-12);
        assertEquals(0, s.failed());
    }

    @Test
    void passesOnlyWhenEveryCriterionHolds() {
        CanarySoak.Verdict pass = CanarySoak.judge(
                CanarySoak.sum(CANDIDATE, List.of(figures("a", CANDIDATE, 200, 199, 0.001, 0.1, 0))), CRITERIA, 5000);
        assertTrue(pass.pass(), pass.reason());
        assertTrue(pass.reason().startsWith("shadow comparison passed: 200 readings, agreement 99.50%"), pass.reason());

        CanarySoak.Verdict disagree = CanarySoak.judge(
                CanarySoak.sum(CANDIDATE, List.of(figures("a", CANDIDATE, 200, 150, 0.001, 0.1, 0))), CRITERIA, 5000);
        assertFalse(disagree.pass());
        assertEquals("agreement 75.00% below 99.00% over 200 readings", disagree.reason());

        CanarySoak.Verdict far = CanarySoak.judge(
                CanarySoak.sum(CANDIDATE, List.of(figures("a", CANDIDATE, 200, 200, 0.01, 0.6, 0))), CRITERIA, 5000);
        assertFalse(far.pass());
        assertEquals("largest score difference 0.6000 above 0.2500 over 200 readings", far.reason());

        CanarySoak.Verdict broken = CanarySoak.judge(
                CanarySoak.sum(CANDIDATE, List.of(figures("a", CANDIDATE, 200, 200, 0, 0, 3))), CRITERIA, 5000);
        assertFalse(broken.pass());
        assertEquals("the new version failed to score 3 live reading(s)", broken.reason());
    }

    @Test
    void tooFewReadingsIsATimeoutWithoutFigures() {
        CanarySoak.Verdict v = CanarySoak.judge(CanarySoak.sum(CANDIDATE, List.of()), CRITERIA, 10_000);
        assertFalse(v.pass());
        assertEquals(
                "timeout: only 0 of 100 readings compared within 10.0 s (not enough live traffic for this "
                        + "model on the canary)",
                v.reason());
        assertNull(v.figures(CRITERIA).get("agreementPercent"), "no NaN in JSON");
        assertEquals(0L, v.figures(CRITERIA).get("compared"));
    }

    @Test
    void theSoakEndsAsSoonAsEnoughReadingsWereCompared() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        AtomicLong clock = new AtomicLong();
        // every poll, 30 more readings compared
        CanarySoak.Verdict v = CanarySoak.soak(
                CANDIDATE,
                () -> {
                    int n = polls.incrementAndGet() * 30;
                    clock.addAndGet(200);
                    return List.of(figures("a", CANDIDATE, n, n, 0, 0, 0));
                },
                () -> true,
                CRITERIA,
                clock::get);
        assertTrue(v.pass(), v.reason());
        assertEquals(4, polls.get());
        assertEquals(120, v.compared());
    }

    @Test
    void theSoakIsBoundedInTime() throws Exception {
        CanarySoak.Criteria quick = new CanarySoak.Criteria(100, 300, 99.0, 0.25);
        long t0 = System.nanoTime();
        CanarySoak.Verdict v = CanarySoak.soak(
                CANDIDATE,
                () -> List.of(figures("a", CANDIDATE, 5, 5, 0, 0, 0)),
                () -> true,
                quick,
                System::currentTimeMillis);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(v.pass());
        assertTrue(v.reason().startsWith("timeout: only 5 of 100 readings compared within 0.3 s"), v.reason());
        assertTrue(millis >= 300 && millis < 5000, "ended after " + millis + " ms");
    }

    @Test
    void aCandidateThatGoesAwayEndsTheSoak() throws Exception {
        CanarySoak.Verdict v = CanarySoak.soak(CANDIDATE, List::of, () -> false, CRITERIA, System::currentTimeMillis);
        assertFalse(v.pass());
        assertTrue(v.reason().startsWith("the candidate stopped being the shadow candidate"), v.reason());
    }
}
