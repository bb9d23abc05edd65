package io.edgeai.gateway.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules ({@code docs/prometheus/edgeai-rules.yml}) are valid and fire as their unit tests
 * ({@code edgeai-rules.test.yml}) say, checked by Prometheus' own {@code promtool} where it is installed (Debian:
 * package {@code prometheus}; or {@code PROMTOOL=/path/to/promtool}). That every metric they use is exported is
 * checked against a real scrape in {@code MetricsIT}.
 */
class AlertRulesTest {
    private static final Path RULES = Path.of("../../docs/prometheus");

    @Test
    void promtoolChecksAndTestsTheRules() throws Exception {
        String promtool = promtool();
        Assumptions.assumeTrue(promtool != null, "promtool is not installed");
        assertTrue(
                Files.isRegularFile(RULES.resolve("edgeai-rules.yml")),
                RULES.toAbsolutePath().toString());
        run(promtool, "check", "rules", "edgeai-rules.yml");
        run(promtool, "test", "rules", "edgeai-rules.test.yml");
    }

    private static String promtool() {
        String env = System.getenv("PROMTOOL");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return env;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
                return Path.of(dir, "promtool").toString();
            }
        }
        return null;
    }

    private static void run(String... command) throws Exception {
        Path out = Files.createTempFile("promtool", ".txt");
        try {
            Process p = new ProcessBuilder(List.of(command))
                    .directory(RULES.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool timed out");
            assertEquals(0, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
