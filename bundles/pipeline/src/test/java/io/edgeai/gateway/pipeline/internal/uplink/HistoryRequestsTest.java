package io.edgeai.gateway.pipeline.internal.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.SeriesHistory;

/** On-demand detail requests: what they answer from a series' ring, and their refusals. */
class HistoryRequestsTest {
    private static UplinkSettings policy(int before, int history) {
        return new UplinkSettings("cloud", "edgeai/uplink", 60, "pipeline", 500, before, 16, history);
    }

    /** A series state as the uplink makes it, with readings 0..n-1 at times 1000 + i. */
    private static SeriesUplink filled(UplinkSettings s, int n) {
        SeriesUplink su = new Uplink(s, x -> null, () -> 0).of(null, "pump-1/temperature");
        for (int i = 0; i < n; i++) {
            su.before.add(1000 + i, i);
        }
        return su;
    }

    @Test
    void answersTheLastReadingsOldestFirstAcrossTheRingsWrap() throws Exception {
        UplinkSettings s = policy(4, 10);
        SeriesUplink su = filled(s, 25); // the ring of 10 wrapped twice
        HistoryRequests requests = new HistoryRequests();
        CompletableFuture<SeriesHistory> answer = requests.ask("pump-1/temperature");
        assertTrue(!answer.isDone(), "nothing is answered before the worker serves");
        requests.serve("demo", s, Map.of("pump-1/temperature", su)::get);
        SeriesHistory h = answer.get();
        List<Double> values = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int i = 15; i < 25; i++) {
            values.add((double) i);
            times.add(1000L + i);
        }
        assertEquals(new SeriesHistory("demo", "pump-1/temperature", times, values), h);
        assertEquals(4, su.before.copy(s.evidenceBefore()).size(), "the evidence window takes only its own part");
        assertEquals(24.0, su.before.copy(s.evidenceBefore()).value(3));
    }

    @Test
    void aSeriesWithFewerReadingsAnswersWhatItHas() throws Exception {
        UplinkSettings s = policy(16, 16);
        HistoryRequests requests = new HistoryRequests();
        CompletableFuture<SeriesHistory> answer = requests.ask("pump-1/temperature");
        requests.serve("demo", s, Map.of("pump-1/temperature", filled(s, 3))::get);
        assertEquals(List.of(0.0, 1.0, 2.0), answer.get().values());
    }

    @Test
    void unknownSeriesHistoryOffAndNoUplinkAreRefusedWithTheReason() {
        HistoryRequests requests = new HistoryRequests();
        CompletableFuture<SeriesHistory> unknown = requests.ask("pump-9/temperature");
        requests.serve("demo", policy(16, 16), x -> null);
        assertEquals(
                "pipeline demo holds no series 'pump-9/temperature' (series are named <device>/<quantity>, as in its "
                        + "uplink topics)",
                cause(unknown, IllegalArgumentException.class));

        CompletableFuture<SeriesHistory> off = requests.ask("pump-1/temperature");
        UplinkSettings none = policy(16, 0);
        requests.serve("demo", none, Map.of("pump-1/temperature", filled(none, 5))::get);
        assertEquals(
                "pipeline demo keeps no history of raw readings (uplinkHistory is 0)",
                cause(off, IllegalStateException.class));

        CompletableFuture<SeriesHistory> noUplink = requests.ask("pump-1/temperature");
        requests.serve("demo", UplinkSettings.OFF, x -> null);
        assertEquals(
                "pipeline demo keeps no history of raw readings (it has no uplinkConnection)",
                cause(noUplink, IllegalStateException.class));
    }

    @Test
    void moreWaitingRequestsThanItsCapacityAreRefusedAtOnce() {
        HistoryRequests requests = new HistoryRequests();
        for (int i = 0; i < HistoryRequests.CAPACITY; i++) {
            assertTrue(!requests.ask("pump-1/temperature").isDone());
        }
        CompletableFuture<SeriesHistory> busy = requests.ask("pump-1/temperature");
        assertTrue(cause(busy, IllegalStateException.class).startsWith("busy"));
        requests.refuseAll("stopped");
        CompletableFuture<SeriesHistory> later = requests.ask("pump-1/temperature");
        assertTrue(!later.isDone(), "refuseAll emptied the queue");
    }

    @Test
    void historyOutsideItsBoundsIsRefusedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> policy(16, 1025));
        assertTrue(e.getMessage().startsWith("uplinkHistory must be in 0..1024"), e.getMessage());
        assertEquals(64, policy(16, 64).kept());
        assertEquals(32, policy(32, 8).kept());
    }

    private static String cause(CompletableFuture<SeriesHistory> f, Class<? extends Exception> type) {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertTrue(type.isInstance(e.getCause()), e.toString());
        return e.getCause().getMessage();
    }
}
