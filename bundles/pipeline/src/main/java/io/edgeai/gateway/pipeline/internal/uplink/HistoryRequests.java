package io.edgeai.gateway.pipeline.internal.uplink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.edgeai.gateway.api.SeriesHistory;

/**
 * On-demand detail requests of one pipeline: asked from any thread (the lifecycle's command thread), served on the
 * pipeline's worker thread between inputs ({@link #serve}), so a series' state is only ever touched by its worker.
 * At most {@link #CAPACITY} requests wait; more are refused at once.
 */
public final class HistoryRequests {
    /** Most requests waiting for the worker. */
    static final int CAPACITY = 16;

    private record Request(String series, CompletableFuture<SeriesHistory> answer) {}

    private final BlockingQueue<Request> waiting = new ArrayBlockingQueue<>(CAPACITY);

    /**
     * Any thread.
     *
     * @param series {@code <device>/<quantity>}
     * @return completes once the worker served it (see {@link io.edgeai.gateway.api.Pipeline#recentValues})
     */
    public CompletableFuture<SeriesHistory> ask(String series) {
        CompletableFuture<SeriesHistory> answer = new CompletableFuture<>();
        if (!waiting.offer(new Request(series, answer))) {
            answer.completeExceptionally(
                    new IllegalStateException("busy: " + CAPACITY + " detail requests wait for the pipeline already"));
        }
        return answer;
    }

    /**
     * Worker thread: answers every waiting request.
     *
     * @param pipeline the pipeline's name
     * @param s the uplink policy in force
     * @param series the uplink state of a series by {@code <device>/<quantity>}, null when there is none
     */
    public void serve(String pipeline, UplinkSettings s, Function<String, SeriesUplink> series) {
        for (Request r = waiting.poll(); r != null; r = waiting.poll()) {
            try {
                r.answer().complete(history(pipeline, s, series.apply(r.series()), r.series()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                r.answer().completeExceptionally(e);
            }
        }
    }

    /** Refuses what waits (the worker stopped). */
    public void refuseAll(String reason) {
        for (Request r = waiting.poll(); r != null; r = waiting.poll()) {
            r.answer().completeExceptionally(new IllegalStateException(reason));
        }
    }

    /**
     * @param su the series' uplink state, null when the pipeline holds no such series
     * @return the last {@link UplinkSettings#history()} readings of the series, oldest first
     */
    static SeriesHistory history(String pipeline, UplinkSettings s, SeriesUplink su, String name) {
        if (!s.enabled() || s.history() == 0) {
            throw new IllegalStateException("pipeline " + pipeline + " keeps no history of raw readings ("
                    + (s.enabled() ? "uplinkHistory is 0" : "it has no uplinkConnection") + ")");
        }
        if (su == null) {
            throw new IllegalArgumentException("pipeline " + pipeline + " holds no series '" + name
                    + "' (series are named <device>/<quantity>, as in its uplink topics)");
        }
        Points p = su.before == null ? new Points(0) : su.before.copy(s.history());
        List<Long> times = new ArrayList<>(p.size());
        List<Double> values = new ArrayList<>(p.size());
        for (int i = 0; i < p.size(); i++) {
            times.add(p.ts(i));
            values.add(p.value(i));
        }
        return new SeriesHistory(pipeline, name, times, values);
    }
}
