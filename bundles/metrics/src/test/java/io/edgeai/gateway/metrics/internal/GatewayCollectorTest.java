package io.edgeai.gateway.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.LatencyRecorder;
import io.edgeai.gateway.api.ModelState;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The collector's output in the Prometheus text format, written by the client library, for a pipeline whose
 * counters and histograms are real recorder values.
 */
class GatewayCollectorTest {

    /** A pipeline as a provider would expose it: fixed counters, a real latency recorder. */
    private static Pipeline pipeline(String name, String model, LatencyHistogram decode) {
        PipelineStatus st = new PipelineStatus(
                name,
                "anomaly",
                "sensors/+/+",
                "edgeai/anomaly",
                model,
                "local",
                10,
                7,
                2,
                1,
                3,
                100,
                4,
                1,
                120,
                900,
                "hold-acks",
                0,
                0,
                5,
                4096);
        return new Pipeline() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PipelineStatus status() {
                return st;
            }

            @Override
            public Map<String, LatencyHistogram> stageLatencies() {
                return Map.of("decode", decode);
            }

            @Override
            public Map<String, Long> rejectedByCode() {
                return Map.of("oversize", 2L);
            }
        };
    }

    private static String scrape(GatewayServices s) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new GatewayCollector(() -> s, () -> HealthCheck.healthy(HealthCheck.run(s))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A model runner as the model extender registers one: only its identity and counters matter here. */
    private static io.edgeai.gateway.api.ModelRunner model(String name, String version, long inferences) {
        io.edgeai.gateway.api.ModelInfo info = new io.edgeai.gateway.api.ModelInfo(
                name, version, "", List.of(), List.of(), Map.of(), "", "CPU", "", 0, List.of());
        return new io.edgeai.gateway.api.ModelRunner() {
            @Override
            public io.edgeai.gateway.api.ModelInfo info() {
                return info;
            }

            @Override
            public float[][] run(float[][] batch) {
                return batch;
            }

            @Override
            public long inferenceCount() {
                return inferences;
            }

            @Override
            public long failureCount() {
                return 0;
            }
        };
    }

    @Test
    void aModelVersionListedTwiceOrAFailingServiceNeverTakesTheEndpointDown() throws Exception {
        // seen after a model version was removed: the same name@version twice among the runners, which made
        // every scrape fail with HTTP 500 until a restart
        Pipeline broken = new Pipeline() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public PipelineStatus status() {
                throw new IllegalStateException("pipeline stopping");
            }

            @Override
            public Map<String, LatencyHistogram> stageLatencies() {
                return Map.of();
            }

            @Override
            public Map<String, Long> rejectedByCode() {
                return Map.of();
            }
        };
        GatewayServices s = new GatewayServices(
                List.of(broken),
                List.of(),
                List.of(model("nab-ae", "1.1.0", 5), model("nab-ae", "1.1.0", 7), model("nab-ae", "1.0.0", 1)),
                List.of(),
                List.of(),
                List.of(),
                List.of(
                        new ModelState("nab-ae", "1.1.0", ModelState.Status.ACTIVE, "", null, "b1"),
                        new ModelState("nab-ae", "1.1.0", ModelState.Status.ACTIVE, "", null, "b1"),
                        new ModelState("nab-ae", "1.2.0", ModelState.Status.FAILED, "checksum", null, "b2")));
        String text = scrape(s);
        assertTrue(text.contains("edgeai_model_inferences_total{model=\"nab-ae\",version=\"1.1.0\"} 5.0"), text);
        assertTrue(text.contains("edgeai_model_inferences_total{model=\"nab-ae\",version=\"1.0.0\"} 1.0"), text);
        assertTrue(text.contains("edgeai_embedded_broker_running 0.0"), text);
        assertTrue(
                text.contains("edgeai_embedded_broker_messages_dropped_total 0.0"),
                "no broker, nothing dropped: " + text);
        assertFalse(text.contains("edgeai_pipeline_messages_received_total{pipeline=\"broken\"}"), text);
        // every version with its status, a refused one too (what an alert on refused models reads), each once
        assertTrue(
                text.contains("edgeai_model_status{model=\"nab-ae\",status=\"ACTIVE\",version=\"1.1.0\"} 1.0"), text);
        assertTrue(
                text.contains("edgeai_model_status{model=\"nab-ae\",status=\"FAILED\",version=\"1.2.0\"} 1.0"), text);
    }

    @Test
    void pipelineCountersQueueAndStageHistogramsAreExposed() throws Exception {
        LatencyRecorder r = new LatencyRecorder();
        r.record(30_000); // 30 µs -> first bucket (50 µs)
        r.record(700_000); // 0.7 ms -> 1 ms bucket
        r.record(20_000_000_000L); // 20 s -> +Inf
        GatewayServices s = new GatewayServices(
                List.of(pipeline("demo", "nab-ae@1.1.0", r.snapshot())),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of());
        String text = scrape(s);
        assertTrue(text.contains("edgeai_pipeline_messages_received_total{pipeline=\"demo\"} 10.0"), text);
        assertTrue(text.contains("edgeai_pipeline_messages_published_total{pipeline=\"demo\"} 7.0"), text);
        assertTrue(text.contains("edgeai_pipeline_messages_rejected_total{pipeline=\"demo\"} 2.0"), text);
        assertTrue(text.contains("edgeai_pipeline_messages_dropped_total{pipeline=\"demo\"} 1.0"), text);
        assertTrue(text.contains("edgeai_pipeline_queue_depth{pipeline=\"demo\"} 3.0"), text);
        assertTrue(text.contains("edgeai_pipeline_series{pipeline=\"demo\"} 4.0"), text);
        assertTrue(text.contains("edgeai_pipeline_series_evicted_total{pipeline=\"demo\"} 5.0"), text);
        assertTrue(text.contains("edgeai_pipeline_series_memory_bytes{pipeline=\"demo\"} 4096.0"), text);
        assertTrue(text.contains("edgeai_pipeline_rejections_total{code=\"oversize\",pipeline=\"demo\"} 2.0"), text);
        // classic histogram: cumulative buckets
        assertTrue(
                text.contains(
                        "edgeai_pipeline_stage_seconds_bucket{pipeline=\"demo\",stage=\"decode\",le=\"5.0E-5\"} 1"),
                text);
        assertTrue(
                text.contains(
                        "edgeai_pipeline_stage_seconds_bucket{pipeline=\"demo\",stage=\"decode\",le=\"0.001\"} 2"),
                text);
        assertTrue(
                text.contains("edgeai_pipeline_stage_seconds_bucket{pipeline=\"demo\",stage=\"decode\",le=\"+Inf\"} 3"),
                text);
        assertTrue(text.contains("edgeai_pipeline_stage_seconds_count{pipeline=\"demo\",stage=\"decode\"} 3"), text);
        // no broker connection and no model: unhealthy
        assertTrue(text.contains("edgeai_healthy 0.0"), text);
    }

    @Test
    void healthNamesWhatFails() {
        GatewayServices s = new GatewayServices(
                List.of(pipeline("p1", "", LatencyHistogram.EMPTY)),
                List.of(),
                List.of(),
                List.of(),
                List.of(),
                List.of("p1", "p2"),
                List.of());
        List<HealthCheck.Check> checks = HealthCheck.run(s);
        assertFalse(HealthCheck.healthy(checks));
        Map<String, Object> body = HealthCheck.body(checks);
        assertEquals("DOWN", body.get("status"));
        String detail = body.get("checks").toString();
        assertTrue(detail.contains("p1 has no model"), detail);
        assertTrue(detail.contains("p2 is configured but not running"), detail);
        assertTrue(detail.contains("no model is serving"), detail);
        assertTrue(detail.contains("no broker connection"), detail);
    }

    @Test
    void statusSummaryReadsTheHistogram() {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 0; i < 99; i++) {
            r.record(80_000); // 100 µs bucket
        }
        r.record(3_000_000); // 5 ms bucket
        Map<String, Object> sum = StatusMessage.summary(r.snapshot());
        assertEquals(100L, sum.get("count"));
        assertEquals(100L, sum.get("p50MaxMicros"));
        assertEquals(100L, sum.get("p99MaxMicros"));
        r.record(3_000_000);
        assertEquals(5000L, StatusMessage.summary(r.snapshot()).get("p99MaxMicros"));
    }
}
