package io.edgeai.gateway.pipeline.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.ShadowComparison;
import io.edgeai.gateway.intake.ShadowFigures;
import io.edgeai.gateway.pipeline.internal.detect.AnomalyScorer;
import io.edgeai.gateway.pipeline.internal.detect.CandidateState;
import io.edgeai.gateway.pipeline.internal.detect.Score;
import io.edgeai.gateway.pipeline.internal.detect.ScorerSettings;
import io.edgeai.gateway.pipeline.internal.detect.SeriesState;

/**
 * Scores live readings a second time with a model's shadow candidate, after the live result went to
 * publish, and keeps how the two agree. Nothing it computes is published. Worker thread only, except
 * {@link #comparisons()}.
 */
final class ShadowScoring {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowScoring.class);
    /** Candidates whose figures are kept, newest last. */
    private static final int KEPT = 8;

    private final String pipeline;
    private final Map<String, CandidateState> series = new HashMap<>();
    private final Map<String, ShadowFigures> tallies = new LinkedHashMap<>();
    private String candidateId = "";
    /** Estimated bytes of one candidate state of the current candidate, measured on its first one. */
    private long bytesPerState;

    private AnomalyScorer scorer;
    private boolean compatible;

    ShadowScoring(String pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * Scores the reading the live model just scored with the candidate.
     *
     * @param topic the series
     * @param live the series' live state after scoring the reading
     * @param liveScore the live score
     * @param liveInfo the model that produced it
     * @param candidate the shadow candidate
     * @param threshold the score at or above which a reading counts as anomalous
     */
    void score(
            String topic,
            SeriesState live,
            Score liveScore,
            ModelInfo liveInfo,
            ModelRunner candidate,
            double threshold) {
        ShadowFigures t = switchTo(candidate.info(), liveInfo);
        if (!compatible) {
            t.failed("");
            return;
        }
        Score shadow;
        try {
            CandidateState state = series.get(topic);
            if (state == null) {
                state = scorer.newCandidateState();
                series.put(topic, state);
                if (bytesPerState == 0) {
                    bytesPerState = SeriesFootprint.deepSize(state) + SeriesFootprint.ENTRY_BYTES;
                }
            }
            shadow = scorer.rescore(live, state, candidate);
        } catch (InferenceException e) {
            t.failed("");
            return;
        }
        if (liveScore.warmingUp() || shadow.warmingUp()) {
            t.warmingUp(liveInfo.id());
            return;
        }
        t.count(
                liveInfo.id(),
                (liveScore.score() >= threshold) == (shadow.score() >= threshold),
                Math.abs(liveScore.score() - shadow.score()));
    }

    /** Counts a reading the candidate did not score because the live path needed the time. */
    void skip(ModelRunner candidate, ModelInfo liveInfo) {
        switchTo(candidate.info(), liveInfo).skipped();
    }

    private ShadowFigures switchTo(ModelInfo candidate, ModelInfo live) {
        if (!candidate.id().equals(candidateId)) {
            candidateId = candidate.id();
            series.clear();
            bytesPerState = 0;
            ScorerSettings settings = ScorerSettings.fromModel(candidate);
            compatible = settings.windowSize() == ScorerSettings.fromModel(live).windowSize();
            scorer = new AnomalyScorer(settings);
            synchronized (tallies) {
                tallies.remove(candidateId);
                tallies.put(candidateId, new ShadowFigures(candidateId));
                while (tallies.size() > KEPT) {
                    tallies.remove(tallies.keySet().iterator().next());
                }
            }
            LOG.info(
                    "Pipeline {}: shadow scoring with {} beside {}{}",
                    pipeline,
                    candidateId,
                    live.id(),
                    compatible ? "" : " impossible: its window size differs (counted as failed)");
        }
        synchronized (tallies) {
            return tallies.get(candidateId);
        }
    }

    /**
     * Forgets the candidate's state of one series (evicted, or moved to another gateway).
     *
     * @param topic the series' key
     */
    void forget(String topic) {
        series.remove(topic);
    }

    /** @return estimated heap bytes of the candidate's per-series states */
    long estimatedBytes() {
        return series.size() * bytesPerState;
    }

    /** Forgets the candidate's series (the candidate went away); its figures stay. */
    void end() {
        if (!candidateId.isEmpty()) {
            candidateId = "";
            series.clear();
        }
    }

    /** @return figures per candidate seen, oldest first */
    List<ShadowComparison> comparisons() {
        List<ShadowFigures> list;
        synchronized (tallies) {
            list = new ArrayList<>(tallies.values());
        }
        List<ShadowComparison> out = new ArrayList<>();
        for (ShadowFigures t : list) {
            out.add(t.snapshot(pipeline));
        }
        return out;
    }
}
