package io.edgeai.gateway.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The console's first words to an operator: ready or what fails, and how to get a login. */
class ReadyLineTest {

    private static final List<HealthCheck.Check> HEALTHY = List.of(
            new HealthCheck.Check("bundles", true, "15 active"),
            new HealthCheck.Check("broker", true, "1 connected"),
            new HealthCheck.Check("models", true, "serving: nab-ae@1.2.0"),
            new HealthCheck.Check("pipelines", true, "2 running"));

    @Test
    void readySaysWhatRunsAndWhereHealthIs() {
        List<String> lines = ReadyLine.of(HEALTHY, "http://127.0.0.1:9464/health", false, "127.0.0.1:8101");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(
                lines.get(0)
                        .startsWith("EdgeAI Gateway ready: pipelines 2 running, broker 1 connected; health "
                                + "http://127.0.0.1:9464/health"),
                lines.get(0));
    }

    @Test
    void notHealthyNamesEveryFailingCheckAndNothingElse() {
        List<HealthCheck.Check> checks = List.of(
                HEALTHY.get(0),
                new HealthCheck.Check("broker", false, "not connected: local"),
                HEALTHY.get(2),
                new HealthCheck.Check(
                        "pipelines", false, "demo: configuration refused, not running: maxSeries is not a valid int"));
        String line = ReadyLine.of(checks, "", false, "127.0.0.1:8101").get(0);
        assertEquals(
                "EdgeAI Gateway started but not healthy: broker: not connected: local; pipelines: demo: "
                        + "configuration refused, not running: maxSeries is not a valid int",
                line);
    }

    @Test
    void withoutUsersTheConsoleGetsTheCommandsThatAddOne() {
        List<String> lines = ReadyLine.of(HEALTHY, "", true, "127.0.0.1:18101");
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).contains("SSH (127.0.0.1:18101)"), lines.get(1));
        assertTrue(lines.get(1).endsWith(ReadyLine.ADD_USER), lines.get(1));
        assertTrue(
                ReadyLine.ADD_USER.contains("jaas:user-add admin YOUR-PASSWORD")
                        && ReadyLine.ADD_USER.endsWith("jaas:update"),
                ReadyLine.ADD_USER);
    }
}
