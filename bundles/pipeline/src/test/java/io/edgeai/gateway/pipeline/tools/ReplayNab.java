package io.edgeai.gateway.pipeline.tools;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.onnx.tools.LocalModels;
import io.edgeai.gateway.pipeline.internal.detect.AnomalyScorer;
import io.edgeai.gateway.pipeline.internal.detect.Score;
import io.edgeai.gateway.pipeline.internal.detect.ScorerSettings;
import io.edgeai.gateway.pipeline.internal.detect.SeriesState;

/**
 * Replays NAB series through the gateway's {@link AnomalyScorer} and the committed model, and writes
 * one NAB results file per series ({@code timestamp,value,anomaly_score}) for {@code nab_score.py}.
 *
 * <pre>ReplayNab DATA_DIR RESULTS_DIR [--model DESCRIPTOR_JSON] [--threads N]</pre>
 */
public final class ReplayNab {
    private static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String DEFAULT_MODEL = "bundles/models/anomaly-ae/src/main/resources/model/model.json";

    private ReplayNab() {}

    /**
     * @param args DATA_DIR RESULTS_DIR [--model DESCRIPTOR] [--threads N]
     * @throws Exception when a file cannot be read or written, or the model is refused
     */
    public static void main(String[] args) throws Exception {
        List<String> pos = new ArrayList<>();
        Path model = null;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = Paths.get(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> pos.add(args[i]);
            }
        }
        if (pos.size() != 2) {
            System.err.println("usage: ReplayNab DATA_DIR RESULTS_DIR [--model DESCRIPTOR_JSON] [--threads N]");
            System.exit(2);
        }
        Path data = Paths.get(pos.get(0));
        Path results = Paths.get(pos.get(1));
        if (model == null) {
            model = defaultModel();
        }
        long start = System.nanoTime();
        List<Path> files;
        try (Stream<Path> s = Files.walk(data)) {
            files = s.filter(p -> p.toString().endsWith(".csv") && Files.isRegularFile(p))
                    .sorted()
                    .collect(Collectors.toList());
        }
        long rows = 0;
        try (LocalModels models = new LocalModels()) {
            ModelRunner runner = models.model(model);
            AnomalyScorer scorer = new AnomalyScorer(ScorerSettings.fromModel(runner.info()));
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
            try {
                List<Future<Integer>> jobs = new ArrayList<>();
                for (Path f : files) {
                    Path out = results.resolve(data.relativize(f).toString());
                    jobs.add(pool.submit(() -> replay(scorer, runner, f, out)));
                }
                for (Future<Integer> j : jobs) {
                    rows += j.get();
                }
            } finally {
                pool.shutdownNow();
            }
            System.out.printf(
                    "replayed %d series, %d rows with %s (threshold %s) in %.1f s%n",
                    files.size(),
                    rows,
                    runner.info().id(),
                    scorer.settings().threshold(),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** The committed model, found from the working directory or from this class's place in the repository. */
    static Path defaultModel() throws Exception {
        return repositoryRoot().resolve(DEFAULT_MODEL);
    }

    /** The repository this class was built in (the working directory when it cannot be found). */
    static Path repositoryRoot() throws Exception {
        Path classes = Paths.get(ReplayNab.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        for (Path dir = classes; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(DEFAULT_MODEL))) {
                return dir;
            }
        }
        return Paths.get("");
    }

    /** Scores one series file and writes its results file; returns the row count. */
    static int replay(AnomalyScorer scorer, ModelRunner runner, Path in, Path out) {
        SeriesState state = scorer.newSeries();
        int n = 0;
        try {
            Path dir = out.toAbsolutePath().getParent(); // (a bare file name has none of its own)
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8);
                    BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                r.readLine();
                w.write("timestamp,value,anomaly_score\n");
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    int comma = line.indexOf(',');
                    String ts = line.substring(0, comma);
                    String value = line.substring(comma + 1).trim();
                    long millis = LocalDateTime.parse(ts.trim(), NAB_TIME)
                            .toInstant(ZoneOffset.UTC)
                            .toEpochMilli();
                    Score s = scorer.score(state, runner, millis, Double.parseDouble(value));
                    w.write(ts + "," + value + "," + s.score() + "\n");
                    n++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(in.toString(), e);
        }
        return n;
    }
}
