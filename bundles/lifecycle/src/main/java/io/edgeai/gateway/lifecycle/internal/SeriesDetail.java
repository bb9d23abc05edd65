package io.edgeai.gateway.lifecycle.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.SeriesHistory;

/**
 * The {@code detail} command (on-demand detail): the recent raw readings of one series of one pipeline, as its
 * uplink policy keeps them ({@code uplinkHistory}). Verified like the model commands; the pipeline serves the request
 * on its own worker thread, this waits for it on the command thread.
 */
final class SeriesDetail {
    /** How long the command waits for the pipeline's worker (it answers between two inputs). */
    static final long ANSWER_MILLIS = 5_000;

    private final Supplier<List<Pipeline>> pipelines;

    /** @param pipelines the running pipelines */
    SeriesDetail(Supplier<List<Pipeline>> pipelines) {
        this.pipelines = pipelines;
    }

    /**
     * @param c a verified detail command
     * @return {@code pipeline}, {@code series}, {@code count}, {@code times} (epoch ms) and {@code values}, oldest
     *         first
     * @throws CommandRefused for a missing or unknown pipeline or series, a pipeline keeping no history, or one that
     *         does not answer in time
     */
    Map<String, Object> serve(SignedCommand c) throws CommandRefused {
        if (c.pipeline().isEmpty() || c.series().isEmpty()) {
            throw new CommandRefused("detail needs pipeline and series (<device>/<quantity>)");
        }
        Pipeline p = pipeline(c.pipeline());
        SeriesHistory h;
        try {
            h = p.recentValues(c.series()).toCompletableFuture().get(ANSWER_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable why = e.getCause();
            if (why instanceof IllegalArgumentException || why instanceof IllegalStateException) {
                throw new CommandRefused(why.getMessage());
            }
            throw new IllegalStateException("pipeline " + c.pipeline() + " failed to answer: " + why, why);
        } catch (TimeoutException e) {
            throw new CommandRefused(
                    "pipeline " + c.pipeline() + " did not answer within " + ANSWER_MILLIS / 1000 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandRefused("interrupted while waiting for pipeline " + c.pipeline());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("pipeline", h.pipeline());
        result.put("series", h.series());
        result.put("count", h.values().size());
        result.put("times", h.times());
        result.put("values", h.values());
        return result;
    }

    private Pipeline pipeline(String name) throws CommandRefused {
        List<String> names = new ArrayList<>();
        for (Pipeline p : pipelines.get()) {
            if (p.name().equals(name)) {
                return p;
            }
            names.add(p.name());
        }
        throw new CommandRefused("unknown pipeline '" + name + "': this gateway runs " + names);
    }
}
