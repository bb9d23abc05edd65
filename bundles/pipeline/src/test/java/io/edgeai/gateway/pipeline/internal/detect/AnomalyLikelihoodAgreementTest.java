package io.edgeai.gateway.pipeline.internal.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.edgeai.gateway.onnx.internal.OrtModelRunner;

/**
 * The block-aggregated {@link AnomalyLikelihood} against the exact computation ({@link ExactAnomalyLikelihood}),
 * fed the same errors: synthetic error streams much longer than the history, and the real errors (autoencoder
 * and seasonal channel) of the NAB series longer than the history, with the shipped model and its settings. The
 * scores must stay within {@link AnomalyLikelihood#SCORE_TOLERANCE} of the exact ones, and the record decision
 * (score above 0) and the alarm decision (score at or above the threshold) must agree on at least
 * {@link AnomalyLikelihood#AGREEMENT} of the rows.
 */
class AnomalyLikelihoodAgreementTest {
    private static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    static OrtModelRunner model;
    static ScorerSettings settings;

    @BeforeAll
    static void load() {
        model = OrtModelRunner.load(AnomalyScorerTest.DESCRIPTOR);
        settings = ScorerSettings.fromModel(model.info());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gaussian", "heavy-tailed", "drift-and-bursts", "falling"})
    void syntheticErrors(String shape) {
        assertAgrees(shape, synthetic(shape, 40_000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nyc_taxi", "machine_temperature_system_failure", "cpu_utilization_asg_misconfiguration"})
    void nabErrorsOfBothChannels(String name) {
        List<Long> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        readNab(name, times, values);
        AnomalyScorer scorer = new AnomalyScorer(settings);
        SeriesState state = scorer.newSeries();
        SeasonalDifference season = new SeasonalDifference(settings.seasonMillis(), settings.seasonAverageRows());
        List<Double> modelErrors = new ArrayList<>();
        List<Double> seasonErrors = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Score sc = scorer.score(state, model, times.get(i), values.get(i));
            if (!Double.isNaN(sc.rawError())) {
                modelErrors.add(sc.rawError());
            }
            double e = season.update(times.get(i), values.get(i));
            if (!Double.isNaN(e)) {
                seasonErrors.add(e);
            }
        }
        assertTrue(modelErrors.size() > settings.historyRows(), "series longer than the history: " + name);
        assertAgrees(
                name + " (model)",
                modelErrors.stream().mapToDouble(Double::doubleValue).toArray());
        assertAgrees(
                name + " (season)",
                seasonErrors.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Feeds both implementations, prints what was measured and asserts the documented tolerances. */
    private static void assertAgrees(String what, double[] errors) {
        ExactAnomalyLikelihood exact = new ExactAnomalyLikelihood(settings);
        AnomalyLikelihood blocks = new AnomalyLikelihood(settings);
        double maxDiff = 0;
        int recordAgree = 0;
        int alarmAgree = 0;
        int exactRecords = 0;
        int exactAlarms = 0;
        for (int i = 0; i < errors.length; i++) {
            double a = exact.update(errors[i]);
            double b = blocks.update(errors[i]);
            assertEquals(exact.learning(), blocks.learning());
            if (i < settings.historyRows()) {
                // nothing has left the history yet: the same rows, only the rounding (float block statistics) differs
                assertEquals(a, b, 1e-6, what + ": row " + i + " is inside the first history");
            }
            maxDiff = Math.max(maxDiff, Math.abs(a - b));
            recordAgree += (a > 0) == (b > 0) ? 1 : 0;
            alarmAgree += (a >= settings.threshold()) == (b >= settings.threshold()) ? 1 : 0;
            exactRecords += a > 0 ? 1 : 0;
            exactAlarms += a >= settings.threshold() ? 1 : 0;
        }
        double records = recordAgree / (double) errors.length;
        double alarms = alarmAgree / (double) errors.length;
        System.out.printf(
                Locale.ROOT,
                "%s: %d rows, max |score difference| %.6f, record decisions agree %.5f (%d records), "
                        + "alarm decisions agree %.5f (%d alarms)%n",
                what,
                errors.length,
                maxDiff,
                records,
                exactRecords,
                alarms,
                exactAlarms);
        assertTrue(maxDiff <= AnomalyLikelihood.SCORE_TOLERANCE, what + ": max score difference " + maxDiff);
        assertTrue(records >= AnomalyLikelihood.AGREEMENT, what + ": record decisions agree on " + records);
        assertTrue(alarms >= AnomalyLikelihood.AGREEMENT, what + ": alarm decisions agree on " + alarms);
    }

    /** Error streams of different character, all several histories long. */
    static double[] synthetic(String shape, int rows) {
        Random rnd = new Random(shape.hashCode());
        double[] e = new double[rows];
        for (int i = 0; i < rows; i++) {
            e[i] = switch (shape) {
                case "gaussian" -> Math.abs(1 + 0.2 * rnd.nextGaussian());
                // log-normal: rare errors far above the usual ones, new records keep coming
                case "heavy-tailed" -> Math.exp(1.5 * rnd.nextGaussian());
                // a slowly rising level with bursts of high errors every few thousand rows
                case "drift-and-bursts" ->
                    (1 + i / 20_000.0) * Math.abs(1 + 0.3 * rnd.nextGaussian())
                            + (i % 3_000 < 20 ? 5 * rnd.nextDouble() : 0);
                // a falling level: the old maxima leaving the history decide the record gate
                case "falling" -> (10.0 - 9.0 * i / rows) * Math.abs(1 + 0.1 * rnd.nextGaussian());
                default -> throw new IllegalArgumentException(shape);
            };
        }
        return e;
    }

    /** Reads a NAB series copied into the test resources (see nab/README.md there). */
    static void readNab(String name, List<Long> times, List<Double> values) {
        InputStream in = AnomalyLikelihoodAgreementTest.class.getResourceAsStream("/nab/" + name + ".csv");
        if (in == null) {
            throw new IllegalArgumentException("no test resource nab/" + name + ".csv");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                int comma = line.indexOf(',');
                times.add(LocalDateTime.parse(line.substring(0, comma).trim(), NAB_TIME)
                        .toInstant(ZoneOffset.UTC)
                        .toEpochMilli());
                values.add(Double.parseDouble(line.substring(comma + 1).trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
