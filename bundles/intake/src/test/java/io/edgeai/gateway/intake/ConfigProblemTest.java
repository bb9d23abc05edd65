package io.edgeai.gateway.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What status shows of a refused configuration (the wording operators and MetricsIT read). */
class ConfigProblemTest {
    private final ConfigProblem problem = new ConfigProblem(
            LoggerFactory.getLogger(ConfigProblemTest.class), "Pipeline", "edgeai.pipeline.anomaly~x");

    @Test
    void aRefusedStartShowsWhyARefusedChangeSaysItKeepsRunningAGoodOneClearsIt() {
        assertEquals("", problem.text());
        problem.notStarted("x", new IllegalArgumentException("queueCapacity must be a number"));
        assertEquals("queueCapacity must be a number", problem.text());
        problem.notApplied("x", new IllegalArgumentException("queueCapacity must be a number"));
        assertEquals(
                "change not applied, running with the previous settings: queueCapacity must be a number",
                problem.text());
        problem.clear();
        assertEquals("", problem.text());
    }
}
