package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

import io.edgeai.gateway.testing.GatewayProcess;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * A site full of new sensors, through the packaged distribution with its shipped pipeline configuration and
 * heap (256 MB): one QoS 1 reading to each of 10,000 new series. Every input gets exactly one outcome (a result,
 * or a {@code too-many-series} dead letter once a series limit is reached), the gateway stays up, and a series
 * it kept still scores. The shipped detector's state (under 8 KB per series) lets all 10,000 (the shipped
 * {@code maxSeries}) fit the shipped {@code seriesMemoryMegabytes} and heap: every one is scored but the last,
 * refused by {@code maxSeries} because the probe series holds a place. Then a second pipeline with
 * {@code maxSeries = 100} dead-letters the rest, and a restart facing a backlog of 5,000 unacknowledged new
 * series answers each once.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class SeriesAtScaleIT {
    private static final int SERIES = FaultTestSupport.intProperty("edgeai.series.count", 10_000);
    private static final int BACKLOG = FaultTestSupport.intProperty("edgeai.series.backlog", 5_000);
    private static final Set<String> OUTCOME_CODES = Set.of("too-many-series");
    private static Mosquitto broker;
    private static GatewayProcess gateway;

    @BeforeClass
    public static void startGateway() throws Exception {
        broker = Mosquitto.startOnFreePort();
        gateway = FaultTestSupport.gateway("series-scale", broker.uri());
        gateway.env("JAVA_MAX_MEM", "256m"); // the shipped heap (bin/setenv's default)
        FaultTestSupport.start(gateway, "SeriesAtScaleIT");
        try (SeriesLoad probe = new SeriesLoad(broker.uri(), "sensors", "edgeai/anomaly", 1_000_000, 1)) {
            awaitPipeline(probe);
        }
    }

    /** Sends a reading to the probe series until it is answered: the pipeline is subscribed and has its model. */
    static void awaitPipeline(SeriesLoad probe) {
        Poll.until("the pipeline to answer", Duration.ofSeconds(120), () -> {
            probe.publish(0, 20);
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (probe.missing(1) > 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
            return probe.missing(1) == 0;
        });
    }

    @AfterClass
    public static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    public void aTenThousandNewSeriesGetOneOutcomeEachAndAKeptSeriesStillScores() throws Exception {
        try (SeriesLoad load = new SeriesLoad(broker.uri(), "sensors", "edgeai/anomaly", 0, SERIES)) {
            long t0 = System.nanoTime();
            load.publishOneEach(Duration.ofMinutes(3));
            load.awaitOutcomes(1, Duration.ofMinutes(4), Duration.ofSeconds(3));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            String metrics = gateway.httpGet("/metrics");
            FaultStream.report(String.format(
                    "SeriesAtScaleIT: %d new series, one QoS 1 reading each, heap 256 MB: "
                            + "%d scored, dead letters %s in %d ms; pipeline series %s, estimated series memory %s bytes, "
                            + "heap after a full collection %s; first refusal: %s",
                    SERIES,
                    load.scored(),
                    load.codes(),
                    millis,
                    metric(metrics, "edgeai_pipeline_series{pipeline=\"demo\"}"),
                    metric(metrics, "edgeai_pipeline_series_memory_bytes{pipeline=\"demo\"}"),
                    heapAfterGc(gateway),
                    load.reason("too-many-series")));
            assertOneOutcomeEach(load);
            assertTrue(
                    "dead-letter codes " + load.codes(),
                    OUTCOME_CODES.containsAll(load.codes().keySet()));
            assertGatewayUp();
            // the shipped detector keeps under 8 KB per series: the shipped maxSeries (10,000) fits the shipped
            // memory budget and heap; the probe series took one of the 10,000, so the last new one is refused
            assertEquals(
                    "series scored (dead letters " + load.codes() + ", first refusal: " + load.reason("too-many-series")
                            + ")",
                    Math.min(SERIES, 10_000 - 1),
                    load.scored());
            if (load.scored() < SERIES) {
                assertTrue(
                        load.reason("too-many-series"),
                        load.reason("too-many-series").contains("(maxSeries)"));
            }
            int kept = load.firstScored();
            assertTrue("no series was scored", kept >= 0);
            for (int k = 0; k < 5; k++) {
                load.publish(kept, 21 + k);
            }
            Poll.until("5 more results of " + load.topic(kept), Duration.ofSeconds(60), () -> load.results(kept) == 6);
        }
    }

    @Test
    public void bASecondPipelineWithMaxSeries100DeadLettersTheRest() throws Exception {
        gateway.writeConfig(
                "edgeai.pipeline.anomaly-small.cfg",
                String.join(
                        "\n",
                        "name = small",
                        "connection.target = (edgeai.connection.name=local)",
                        "model.target = (edgeai.model.name=nab-ae)",
                        "inputTopic = small/+/+",
                        "inputQos = 1",
                        "outputTopicPrefix = edgeai/small",
                        "outputQos = 1",
                        "alarmTopicPrefix = edgeai/alarm",
                        "deadLetterTopicPrefix = edgeai/deadletter",
                        "overflowPolicy = hold-acks",
                        "maxSeries = 100",
                        ""));
        try (SeriesLoad probe = new SeriesLoad(broker.uri(), "small", "edgeai/small", 1_000_000, 1)) {
            awaitPipeline(probe);
        }
        int n = 300;
        try (SeriesLoad load = new SeriesLoad(broker.uri(), "small", "edgeai/small", 0, n)) {
            load.publishOneEach(Duration.ofMinutes(1));
            load.awaitOutcomes(1, Duration.ofMinutes(2), Duration.ofSeconds(2));
            FaultStream.report(String.format(
                    "SeriesAtScaleIT: pipeline with maxSeries 100 (probe series included), "
                            + "%d new series: %d scored, dead letters %s",
                    n, load.scored(), load.codes()));
            assertOneOutcomeEach(load);
            assertEquals("the probe took one of the 100", 99, load.scored());
            assertEquals(Map.of("too-many-series", (long) n - 99), load.codes());
            assertTrue(
                    load.reason("too-many-series"),
                    load.reason("too-many-series").contains("(maxSeries)"));
        }
        assertGatewayUp();
    }

    @Test
    public void cARestartFacingABacklogOfNewSeriesAnswersEachOnce() throws Exception {
        try (SeriesLoad load = new SeriesLoad(broker.uri(), "sensors", "edgeai/anomaly", 20_000, BACKLOG)) {
            gateway.kill();
            // the devices go on while the gateway is down: the broker keeps the readings in its persistent session
            load.publishOneEach(Duration.ofMinutes(2));
            long t0 = System.nanoTime();
            FaultTestSupport.start(gateway, "SeriesAtScaleIT");
            load.awaitOutcomes(1, Duration.ofMinutes(4), Duration.ofSeconds(3));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            String metrics = gateway.httpGet("/metrics");
            FaultStream.report(String.format(
                    "SeriesAtScaleIT: restart facing %d unacknowledged readings of new series: "
                            + "%d scored, dead letters %s, all answered %d ms after the start; pipeline series %s; heap after "
                            + "a full collection %s, RSS %.0f MB",
                    BACKLOG,
                    load.scored(),
                    load.codes(),
                    millis,
                    metric(metrics, "edgeai_pipeline_series{pipeline=\"demo\"}"),
                    heapAfterGc(gateway),
                    gateway.rssMb()));
            assertOneOutcomeEach(load);
            assertTrue(
                    "dead-letter codes " + load.codes(),
                    OUTCOME_CODES.containsAll(load.codes().keySet()));
            assertTrue("series scored after the restart", load.scored() > 0);
        }
        assertGatewayUp();
    }

    /** Every input got exactly one outcome: a result or a dead letter. */
    static void assertOneOutcomeEach(SeriesLoad load) {
        assertEquals("inputs without an outcome", 0, load.missing(1));
        assertEquals("inputs with more than one outcome", 0, load.beyond(1));
    }

    private static void assertGatewayUp() {
        assertTrue("the gateway process runs", gateway.isAlive());
        assertEquals("the gateway is live", 200, gateway.httpStatus("/health/live"));
        String log = gateway.log();
        assertFalse("karaf.log reports an OutOfMemoryError", log.contains("OutOfMemoryError"));
        assertFalse("karaf.log reports a fatal error", log.contains("Fatal "));
    }

    /** @return the value of a metric line, "?" when absent */
    static String metric(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "?";
    }

    /** @return the gateway JVM's heap in use after a forced full collection, e.g. "123 MB", via jcmd and jstat */
    static String heapAfterGc(GatewayProcess g) {
        var jvm = g.jvm();
        if (jvm.isEmpty()) {
            return "?";
        }
        String pid = Long.toString(jvm.get().pid());
        String bin = System.getProperty("java.home") + "/bin/";
        try {
            run(bin + "jcmd", pid, "GC.run");
            String[] lines = run(bin + "jstat", "-gc", pid).strip().split("\n");
            String[] head = lines[0].trim().split("\\s+");
            String[] vals = lines[lines.length - 1].trim().split("\\s+");
            double kb = 0;
            for (int i = 0; i < head.length; i++) {
                if (Set.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
                    kb += Double.parseDouble(vals[i]);
                }
            }
            return String.format("%.0f MB", kb / 1024);
        } catch (IOException | RuntimeException e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    private static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
