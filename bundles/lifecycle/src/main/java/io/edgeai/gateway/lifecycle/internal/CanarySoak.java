package io.edgeai.gateway.lifecycle.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.edgeai.gateway.api.ShadowComparison;

/**
 * The canary's soak: while a new model version scores live traffic in shadow beside the serving one, the
 * pipelines' {@link ShadowComparison} figures of that candidate are summed until enough readings were compared
 * or the soak time is up, then judged against the criteria. Runs on the command thread.
 */
final class CanarySoak {
    private static final long POLL_MILLIS = 200;

    /**
     * What the canary's shadow comparison must show.
     *
     * @param minCompared readings both versions scored (outside warm-up) before judging
     * @param soakMillis longest time to wait for them
     * @param minAgreementPercent least share of compared readings with the same anomaly decision
     * @param maxScoreDiff largest allowed absolute difference of the two scores of one reading
     */
    record Criteria(long minCompared, long soakMillis, double minAgreementPercent, double maxScoreDiff) {
        static Criteria of(LifecycleConfig config) {
            return new Criteria(
                    Math.max(1, config.canaryMinCompared()),
                    TimeUnit.SECONDS.toMillis(Math.max(1, config.canarySoakSeconds())),
                    config.canaryMinAgreementPercent(),
                    config.canaryMaxScoreDiff());
        }
    }

    /**
     * The judged comparison.
     *
     * @param pass whether the candidate may serve
     * @param reason why, in words
     * @param compared readings scored by both, summed over the pipelines
     * @param agreed readings with the same decision
     * @param meanAbsDiff mean absolute score difference over the compared readings
     * @param maxAbsDiff largest absolute score difference
     * @param failed readings the candidate failed to score
     * @param soakMillis how long the soak took
     */
    record Verdict(
            boolean pass,
            String reason,
            long compared,
            long agreed,
            double meanAbsDiff,
            double maxAbsDiff,
            long failed,
            long soakMillis) {
        /** @return the agreement in percent, NaN when nothing was compared */
        double agreementPercent() {
            return compared == 0 ? Double.NaN : 100.0 * agreed / compared;
        }

        /** @return the figures for a JSON answer (no NaN: absent figures are null) */
        Map<String, Object> figures(Criteria c) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("compared", compared);
            m.put("agreed", agreed);
            m.put("agreementPercent", compared == 0 ? null : round(agreementPercent()));
            m.put("meanAbsDiff", compared == 0 ? null : round(meanAbsDiff));
            m.put("maxAbsDiff", compared == 0 ? null : round(maxAbsDiff));
            m.put("failedReadings", failed);
            m.put("soakSeconds", round(soakMillis / 1000.0));
            m.put("minCompared", c.minCompared());
            m.put("minAgreementPercent", c.minAgreementPercent());
            m.put("maxScoreDiff", c.maxScoreDiff());
            return m;
        }

        private static double round(double v) {
            return Math.round(v * 1e6) / 1e6;
        }
    }

    private CanarySoak() {}

    /**
     * Waits until the candidate's figures reach the minimum, the soak time is up, the candidate failed to score
     * a reading, or it stopped being the shadow candidate; then judges.
     *
     * @param candidate {@code name@version} of the shadow candidate
     * @param figures the pipelines' current comparisons (all candidates)
     * @param stillShadow whether the candidate is still the shadow candidate
     * @param c the criteria
     * @param clock milliseconds
     * @return the verdict
     * @throws InterruptedException when the command thread is stopped
     */
    static Verdict soak(
            String candidate,
            Supplier<List<ShadowComparison>> figures,
            BooleanSupplier stillShadow,
            Criteria c,
            LongSupplier clock)
            throws InterruptedException {
        long start = clock.getAsLong();
        while (true) {
            Verdict sum = sum(candidate, figures.get());
            long elapsed = clock.getAsLong() - start;
            if (sum.failed() > 0 || sum.compared() >= c.minCompared() || elapsed >= c.soakMillis()) {
                return judge(sum, c, elapsed);
            }
            if (!stillShadow.getAsBoolean()) {
                return new Verdict(
                        false,
                        "the candidate stopped being the shadow candidate after " + seconds(elapsed)
                                + " (uninstalled or refused)",
                        sum.compared(),
                        sum.agreed(),
                        sum.meanAbsDiff(),
                        sum.maxAbsDiff(),
                        sum.failed(),
                        elapsed);
            }
            TimeUnit.MILLISECONDS.sleep(Math.min(POLL_MILLIS, c.soakMillis() - elapsed));
        }
    }

    /** @return the candidate's figures summed over pipelines, unjudged */
    static Verdict sum(String candidate, List<ShadowComparison> figures) {
        long compared = 0;
        long agreed = 0;
        long failed = 0;
        double sumAbsDiff = 0;
        double maxAbsDiff = 0;
        for (ShadowComparison f : figures) {
            if (!f.candidate().equals(candidate)) {
                continue;
            }
            compared += f.compared();
            agreed += f.agreed();
            failed += f.failed();
            sumAbsDiff += f.meanAbsDiff() * f.compared();
            maxAbsDiff = Math.max(maxAbsDiff, f.maxAbsDiff());
        }
        return new Verdict(
                false, "", compared, agreed, compared == 0 ? 0 : sumAbsDiff / compared, maxAbsDiff, failed, 0);
    }

    /** @return the verdict on summed figures after {@code elapsed} ms of soak */
    static Verdict judge(Verdict s, Criteria c, long elapsed) {
        String reason;
        boolean pass = false;
        if (s.failed() > 0) {
            reason = "the new version failed to score " + s.failed() + " live reading(s)";
        } else if (s.compared() < c.minCompared()) {
            reason = "timeout: only " + s.compared() + " of " + c.minCompared() + " readings compared within "
                    + seconds(elapsed) + " (not enough live traffic for this model on the canary)";
        } else if (s.agreementPercent() < c.minAgreementPercent()) {
            reason = String.format(
                    Locale.ROOT,
                    "agreement %.2f%% below %.2f%% over %d readings",
                    s.agreementPercent(),
                    c.minAgreementPercent(),
                    s.compared());
        } else if (s.maxAbsDiff() > c.maxScoreDiff()) {
            reason = String.format(
                    Locale.ROOT,
                    "largest score difference %.4f above %.4f over %d readings",
                    s.maxAbsDiff(),
                    c.maxScoreDiff(),
                    s.compared());
        } else {
            pass = true;
            reason = String.format(
                    Locale.ROOT,
                    "shadow comparison passed: %d readings, agreement %.2f%%, largest " + "score difference %.4f",
                    s.compared(),
                    s.agreementPercent(),
                    s.maxAbsDiff());
        }
        return new Verdict(
                pass, reason, s.compared(), s.agreed(), s.meanAbsDiff(), s.maxAbsDiff(), s.failed(), elapsed);
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
