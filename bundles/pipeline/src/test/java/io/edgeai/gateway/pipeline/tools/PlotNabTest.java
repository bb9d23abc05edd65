package io.edgeai.gateway.pipeline.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.onnx.tools.LocalModels;
import io.edgeai.gateway.pipeline.internal.detect.AnomalyScorer;
import io.edgeai.gateway.pipeline.internal.detect.ScorerSettings;

/**
 * {@code tools/plot-nab}'s page for a real NAB series scored by the gateway's detector and the committed model:
 * the page shows what NAB's scorer counts at the model's threshold (the same windows, detections and false
 * positives as {@code nab_score.py} reports), as one self-contained file.
 */
class PlotNabTest {
    private static final String SERIES = "realKnownCause/machine_temperature_system_failure";

    @TempDir
    Path tmp;

    @Test
    void pageShowsWindowsDetectionsAndFalsePositivesAsNabCountsThem() throws Exception {
        Assumptions.assumeTrue(python() != null, "python3 is needed by tools/plot-nab");
        Path repo = ReplayNab.repositoryRoot();
        Path nab = repo.resolve("tools/nab");
        Path data = tmp.resolve("data");
        Path results = tmp.resolve("results");
        Path plots = tmp.resolve("plots");
        Files.createDirectories(data.resolve(SERIES).getParent());
        Files.copy(nab.resolve("data").resolve(SERIES + ".csv"), data.resolve(SERIES + ".csv"));
        double threshold;
        try (LocalModels models = new LocalModels()) {
            ModelRunner runner = models.model(ReplayNab.defaultModel());
            AnomalyScorer scorer = new AnomalyScorer(ScorerSettings.fromModel(runner.info()));
            threshold = scorer.settings().threshold();
            ReplayNab.replay(scorer, runner, data.resolve(SERIES + ".csv"), results.resolve(SERIES + ".csv"));
        }
        String t = Double.toString(threshold);
        List<String> common = List.of(
                "--data",
                data.toString(),
                "--windows",
                nab.resolve("labels/combined_windows.json").toString(),
                "--profiles",
                nab.resolve("config/profiles.json").toString(),
                "--results",
                results.toString(),
                "--threshold",
                t);
        run(nab.resolve("plot_nab.py"), common, "--out", plots.toString());
        String scoreJson = run(nab.resolve("nab_score.py"), common, "--json");
        JsonNode scored = new ObjectMapper().readTree(scoreJson).get("profiles").get(0);
        JsonNode series = scored.get("series").get(0);
        int detected = series.get("windows_detected").asInt();
        int falsePositives = series.get("FP").asInt();
        // the detector finds this series' failures and has false positives: the page has something to show
        assertTrue(detected > 0 && falsePositives > 0, series.toString());

        String page = Files.readString(plots.resolve(SERIES + ".html"), StandardCharsets.UTF_8);
        assertEquals(4, count(page, "<rect class=\"window "), "NAB's four labelled windows");
        assertEquals(detected, count(page, "<rect class=\"window hit\""));
        assertEquals(4 - detected, count(page, "<rect class=\"window missed\""));
        assertEquals(detected, count(page, "<g class=\"detection\">"), "one counted detection per hit window");
        assertEquals(falsePositives, count(page, "<g class=\"false-positive\">"));
        assertEquals(1, count(page, "<line class=\"threshold\""));
        assertEquals(threshold, attribute(page, "data-threshold"), 1e-12);
        assertEquals(detected, (int) attribute(page, "data-detected"));
        assertEquals(falsePositives, (int) attribute(page, "data-false-positives"));
        assertTrue(page.contains("<polyline class=\"value\" points=\""));
        assertTrue(page.contains("<path class=\"score\" d=\"M"), "non-zero scores drawn");
        // self-contained: no script and nothing loaded from elsewhere
        assertFalse(page.contains("<script"));
        assertFalse(page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "").contains("http"));
        assertTrue(Files.readString(plots.resolve("index.html")).contains(SERIES + ".html"));
    }

    private static int count(String text, String marker) {
        int n = 0;
        for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + 1)) {
            n++;
        }
        return n;
    }

    private static double attribute(String page, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find(), name);
        return Double.parseDouble(m.group(1));
    }

    private static String python() {
        for (String p : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    private String run(Path script, List<String> args, String... more) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python(), script.toString()));
        command.addAll(args);
        command.addAll(List.of(more));
        Path log = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(command)
                .redirectOutput(log.toFile())
                .redirectError(err.toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out + Files.readString(err, StandardCharsets.UTF_8));
        return out;
    }
}
