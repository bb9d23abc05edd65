package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.time.Duration;

import org.junit.Test;

import io.edgeai.gateway.testing.GatewayProcess;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * Opt-in (a few minutes, 1 GB of heap): 100,000 series through the packaged distribution with the heap
 * size the README states for them ({@code JAVA_MAX_MEM=1g}) and a pipeline configured for them
 * ({@code maxSeries = 100001}, {@code seriesMemoryMegabytes = 800}): one QoS 1 reading to each of 100,000 new
 * series, every one scored, the gateway stays up, heap after a full collection reported. Runs with
 * {@code -Dedgeai.series.large=100000} (any count; absent: skipped).
 */
public class SeriesAtScaleLargeIT {
    private static final int SERIES = FaultTestSupport.intProperty("edgeai.series.large", 0);

    @Test
    public void aHundredThousandSeriesRunInTheStatedHeap() throws Exception {
        assumeTrue("opt-in: -Dedgeai.series.large=100000", SERIES > 0);
        try (Mosquitto broker = Mosquitto.startOnFreePort();
                GatewayProcess gateway = FaultTestSupport.gateway("series-large", broker.uri())) {
            gateway.env("JAVA_MAX_MEM", "1g");
            FaultTestSupport.start(gateway, "SeriesAtScaleLargeIT");
            gateway.writeConfig(
                    "edgeai.pipeline.anomaly-large.cfg",
                    String.join(
                            "\n",
                            "name = large",
                            "connection.target = (edgeai.connection.name=local)",
                            "model.target = (edgeai.model.name=nab-ae)",
                            "inputTopic = large/+/+",
                            "inputQos = 1",
                            "outputTopicPrefix = edgeai/large",
                            "outputQos = 1",
                            "alarmTopicPrefix = edgeai/alarm",
                            "deadLetterTopicPrefix = edgeai/deadletter",
                            "overflowPolicy = hold-acks",
                            "maxSeries = " + (SERIES + 1),
                            "seriesMemoryMegabytes = 800",
                            ""));
            try (SeriesLoad probe = new SeriesLoad(broker.uri(), "large", "edgeai/large", 10_000_000, 1)) {
                SeriesAtScaleIT.awaitPipeline(probe);
            }
            try (SeriesLoad load = new SeriesLoad(broker.uri(), "large", "edgeai/large", 0, SERIES)) {
                long t0 = System.nanoTime();
                load.publishOneEach(Duration.ofMinutes(10));
                load.awaitOutcomes(1, Duration.ofMinutes(10), Duration.ofSeconds(5));
                long millis = (System.nanoTime() - t0) / 1_000_000;
                String metrics = gateway.httpGet("/metrics");
                FaultStream.report(String.format(
                        "SeriesAtScaleLargeIT: %d new series, one QoS 1 reading each, heap 1 GB: "
                                + "%d scored, dead letters %s in %d ms; pipeline series %s, estimated series memory %s bytes, "
                                + "heap after a full collection %s, RSS %.0f MB",
                        SERIES,
                        load.scored(),
                        load.codes(),
                        millis,
                        SeriesAtScaleIT.metric(metrics, "edgeai_pipeline_series{pipeline=\"large\"}"),
                        SeriesAtScaleIT.metric(metrics, "edgeai_pipeline_series_memory_bytes{pipeline=\"large\"}"),
                        SeriesAtScaleIT.heapAfterGc(gateway),
                        gateway.rssMb()));
                SeriesAtScaleIT.assertOneOutcomeEach(load);
                assertEquals("series scored (dead letters " + load.codes() + ")", SERIES, load.scored());
            }
            assertTrue("the gateway process runs", gateway.isAlive());
            assertEquals("the gateway is live", 200, gateway.httpStatus("/health/live"));
            assertFalse("karaf.log reports an OutOfMemoryError", gateway.log().contains("OutOfMemoryError"));
        }
    }
}
