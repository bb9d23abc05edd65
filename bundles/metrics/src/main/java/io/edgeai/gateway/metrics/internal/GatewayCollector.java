package io.edgeai.gateway.metrics.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.ModelState;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Turns the gateway's services into Prometheus metric snapshots at scrape time. The counters live in the
 * services (pipelines, connections, model runners); this only reads them, so nothing is counted twice and
 * a service that goes away simply disappears from the next scrape.
 */
final class GatewayCollector implements MultiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayCollector.class);
    private final Supplier<GatewayServices> services;
    private final Supplier<Boolean> healthy;
    // parts that failed once: their first failure is a WARN, later ones DEBUG (a scrape runs every few seconds)
    private final Set<String> failedParts = ConcurrentHashMap.newKeySet();

    GatewayCollector(Supplier<GatewayServices> services, Supplier<Boolean> healthy) {
        this.services = services;
        this.healthy = healthy;
    }

    @Override
    public MetricSnapshots collect() {
        GatewayServices s = services.get();
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        // each part on its own: a service that fails (or goes away) mid-scrape costs its own metrics, logged,
        // never the endpoint (Prometheus would see HTTP 500 for every metric)
        part("pipelines", () -> pipelines(s, out));
        part("pipeline details", () -> pipelineDetails(s, out));
        part("models", () -> models(s, out));
        part("connections", () -> connections(s, out));
        part("embedded broker", () -> broker(s, out));
        part("health", () -> health(out));
        return out.build();
    }

    private void part(String name, Runnable part) {
        try {
            part.run();
        } catch (RuntimeException e) {
            if (failedParts.add(name)) {
                LOG.warn(
                        "Metrics: the {} part of /metrics was skipped: {} (further failures of it at DEBUG)",
                        name,
                        e.toString());
            } else {
                LOG.debug("Metrics: the {} part of /metrics was skipped", name, e);
            }
        }
    }

    /** A service's status, or null (logged at DEBUG) when the service fails, e.g. while it is stopping. */
    private static <T> T statusOrNull(Supplier<T> status, String what) {
        try {
            return status.get();
        } catch (RuntimeException e) {
            LOG.debug("Metrics: {} left out of this scrape: {}", what, e.toString());
            return null;
        }
    }

    private void pipelines(GatewayServices s, MetricSnapshots.Builder out) {
        List<PipelineStatus> pipelines = new ArrayList<>();
        for (Pipeline p : s.pipelines()) {
            PipelineStatus status = statusOrNull(p::status, "pipeline " + p.name());
            if (status != null) {
                pipelines.add(status);
            }
        }
        out.metricSnapshot(counter(
                "edgeai_pipeline_messages_received",
                "Inputs taken from the broker.",
                pipelines,
                PipelineStatus::received));
        out.metricSnapshot(counter(
                "edgeai_pipeline_messages_published", "Results published.", pipelines, PipelineStatus::published));
        out.metricSnapshot(counter(
                "edgeai_pipeline_messages_rejected",
                "Inputs sent to the dead-letter topic.",
                pipelines,
                PipelineStatus::rejected));
        out.metricSnapshot(counter(
                "edgeai_pipeline_messages_dropped",
                "Inputs dropped because the ingest queue " + "was full.",
                pipelines,
                PipelineStatus::dropped));
        out.metricSnapshot(gauge(
                "edgeai_pipeline_queue_depth",
                "Inputs waiting in the ingest queue.",
                pipelines,
                PipelineStatus::queueDepth));
        out.metricSnapshot(gauge(
                "edgeai_pipeline_queue_capacity",
                "Bound of the ingest queue.",
                pipelines,
                PipelineStatus::queueCapacity));
        out.metricSnapshot(
                gauge("edgeai_pipeline_series", "Series (topics) with state.", pipelines, PipelineStatus::keys));
        out.metricSnapshot(counter(
                "edgeai_pipeline_series_evicted",
                "Series whose state was dropped after being " + "idle for seriesIdleSeconds.",
                pipelines,
                PipelineStatus::evicted));
        out.metricSnapshot(gauge(
                "edgeai_pipeline_series_memory_bytes",
                "Estimated heap of the series' state "
                        + "(checked against seriesMemoryMegabytes when a series is admitted).",
                pipelines,
                PipelineStatus::seriesBytes));
        out.metricSnapshot(gauge(
                "edgeai_pipeline_alarms_active", "Series whose alarm is on.", pipelines, PipelineStatus::alarmsActive));
    }

    private void pipelineDetails(GatewayServices s, MetricSnapshots.Builder out) {
        CounterSnapshot.Builder byCode = CounterSnapshot.builder()
                .name("edgeai_pipeline_rejections")
                .help("Rejected inputs by dead-letter code.");
        HistogramSnapshot.Builder stages = HistogramSnapshot.builder()
                .name("edgeai_pipeline_stage_seconds")
                .help("Latency of each pipeline stage; total is from receipt to publish.")
                .unit(Unit.SECONDS);
        for (Pipeline p : s.pipelines()) {
            String name = p.name();
            if (statusOrNull(p::status, "pipeline " + name) == null) {
                continue;
            }
            for (Map.Entry<String, Long> e : p.rejectedByCode().entrySet()) {
                byCode.dataPoint(CounterDataPointSnapshot.builder()
                        .value(e.getValue())
                        .labels(Labels.of("pipeline", name, "code", e.getKey()))
                        .build());
            }
            for (Map.Entry<String, LatencyHistogram> e : p.stageLatencies().entrySet()) {
                histogram(e.getValue(), Labels.of("pipeline", name, "stage", e.getKey()), stages);
            }
        }
        out.metricSnapshot(byCode.build());
        out.metricSnapshot(stages.build());
    }

    private void models(GatewayServices s, MetricSnapshots.Builder out) {
        HistogramSnapshot.Builder inference = HistogramSnapshot.builder()
                .name("edgeai_model_inference_seconds")
                .help("Latency of one model run (a batch) in ONNX Runtime.")
                .unit(Unit.SECONDS);
        CounterSnapshot.Builder inferences = CounterSnapshot.builder()
                .name("edgeai_model_inferences")
                .help("Items inferred since the model version was loaded.");
        CounterSnapshot.Builder failures = CounterSnapshot.builder()
                .name("edgeai_model_inference_failures")
                .help("Failed inferences since the model version was loaded.");
        // one data point per name@version: the same version registered twice (seen while a removed version's
        // runner was still going away) would make the whole scrape fail on duplicate labels
        Set<String> seen = new HashSet<>();
        for (ModelRunner m : s.models()) {
            if (!seen.add(m.info().name() + "@" + m.info().version())) {
                continue;
            }
            Labels l = Labels.of("model", m.info().name(), "version", m.info().version());
            inferences.dataPoint(CounterDataPointSnapshot.builder()
                    .value(m.inferenceCount())
                    .labels(l)
                    .build());
            failures.dataPoint(CounterDataPointSnapshot.builder()
                    .value(m.failureCount())
                    .labels(l)
                    .build());
            histogram(m.inferenceLatency(), l, inference);
        }
        out.metricSnapshot(inferences.build());
        out.metricSnapshot(failures.build());
        out.metricSnapshot(inference.build());
        GaugeSnapshot.Builder status = GaugeSnapshot.builder()
                .name("edgeai_model_status")
                .help("1 for each model version the runtime has seen, labelled with its status (ACTIVE serves, "
                        + "FAILED was refused: checksum, shapes, test vector or signature; edgeai:models says why).");
        Set<String> listed = new HashSet<>();
        for (ModelState m : s.modelVersions()) {
            if (listed.add(m.name() + "@" + m.version())) {
                status.dataPoint(GaugeDataPointSnapshot.builder()
                        .value(1)
                        .labels(Labels.of(
                                "model",
                                m.name(),
                                "version",
                                m.version(),
                                "status",
                                m.status().name()))
                        .build());
            }
        }
        out.metricSnapshot(status.build());
    }

    private void connections(GatewayServices s, MetricSnapshots.Builder out) {
        List<ConnectionStatus> connections = new ArrayList<>();
        for (MqttConnection c : s.connections()) {
            ConnectionStatus status = statusOrNull(c::status, "connection");
            if (status != null) {
                connections.add(status);
            }
        }
        out.metricSnapshot(gaugeOf(
                "edgeai_mqtt_connected",
                "1 while the broker connection is up.",
                connections,
                ConnectionStatus::name,
                c -> c.state() == ConnectionState.CONNECTED ? 1 : 0,
                "connection"));
        out.metricSnapshot(gaugeOf(
                "edgeai_mqtt_publish_queue_depth",
                "Messages held for the broker " + "(store and forward while it is slow or away).",
                connections,
                ConnectionStatus::name,
                ConnectionStatus::publishQueued,
                "connection"));
        out.metricSnapshot(gaugeOf(
                "edgeai_mqtt_store_bytes",
                "Bytes the connection's publish store holds on disk (bounded by storeMaxMegabytes; 0 for a "
                        + "memory-only store).",
                connections,
                ConnectionStatus::name,
                ConnectionStatus::storeBytes,
                "connection"));
        out.metricSnapshot(counterOf(
                "edgeai_mqtt_publish_dropped",
                "Messages dropped because the publish queue " + "was full.",
                connections,
                ConnectionStatus::name,
                ConnectionStatus::publishDropped,
                "connection"));
        out.metricSnapshot(counterOf(
                "edgeai_mqtt_messages_received",
                "Messages received.",
                connections,
                ConnectionStatus::name,
                ConnectionStatus::received,
                "connection"));
        out.metricSnapshot(counterOf(
                "edgeai_mqtt_messages_published",
                "Messages handed to the broker.",
                connections,
                ConnectionStatus::name,
                ConnectionStatus::published,
                "connection"));
        out.metricSnapshot(counterOf(
                "edgeai_mqtt_reconnects",
                "Successful connects after the first.",
                connections,
                ConnectionStatus::name,
                ConnectionStatus::reconnects,
                "connection"));
    }

    private void broker(GatewayServices s, MetricSnapshots.Builder out) {
        out.metricSnapshot(GaugeSnapshot.builder()
                .name("edgeai_embedded_broker_running")
                .help("1 while the embedded MQTT broker accepts connections.")
                .dataPoint(GaugeDataPointSnapshot.builder()
                        .value(s.brokers().stream().anyMatch(b -> b.status().running()) ? 1 : 0)
                        .build())
                .build());
        long dropped = s.brokers().stream()
                .mapToLong(b -> b.status().messagesDropped())
                .filter(d -> d >= 0)
                .sum();
        out.metricSnapshot(CounterSnapshot.builder()
                .name("edgeai_embedded_broker_messages_dropped")
                .help("Messages the embedded broker accepted and then discarded since it started (a client's "
                        + "queue full at maxQueuedMessages, a QoS 0 subscriber not reading); each growth is also "
                        + "a WARN line in karaf.log.")
                .dataPoint(CounterDataPointSnapshot.builder().value(dropped).build())
                .build());
    }

    private void health(MetricSnapshots.Builder out) {
        out.metricSnapshot(GaugeSnapshot.builder()
                .name("edgeai_healthy")
                .help("1 while the health check (/health) passes.")
                .dataPoint(GaugeDataPointSnapshot.builder()
                        .value(healthy.get() ? 1 : 0)
                        .build())
                .build());
    }

    private static CounterSnapshot counter(
            String name, String help, List<PipelineStatus> pipelines, ToDoubleFunction<PipelineStatus> value) {
        return counterOf(name, help, pipelines, PipelineStatus::name, value, "pipeline");
    }

    private static GaugeSnapshot gauge(
            String name, String help, List<PipelineStatus> pipelines, ToDoubleFunction<PipelineStatus> value) {
        return gaugeOf(name, help, pipelines, PipelineStatus::name, value, "pipeline");
    }

    private static <T> CounterSnapshot counterOf(
            String name,
            String help,
            List<T> items,
            Function<T, String> label,
            ToDoubleFunction<T> value,
            String labelName) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (T item : items) {
            b.dataPoint(CounterDataPointSnapshot.builder()
                    .value(value.applyAsDouble(item))
                    .labels(Labels.of(labelName, label.apply(item)))
                    .build());
        }
        return b.build();
    }

    private static <T> GaugeSnapshot gaugeOf(
            String name,
            String help,
            List<T> items,
            Function<T, String> label,
            ToDoubleFunction<T> value,
            String labelName) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (T item : items) {
            b.dataPoint(GaugeDataPointSnapshot.builder()
                    .value(value.applyAsDouble(item))
                    .labels(Labels.of(labelName, label.apply(item)))
                    .build());
        }
        return b.build();
    }

    private static void histogram(LatencyHistogram h, Labels labels, HistogramSnapshot.Builder into) {
        if (h.upperBoundsSeconds().isEmpty()) {
            return;
        }
        int n = h.bucketCounts().size();
        double[] bounds = new double[n];
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
            bounds[i] = i < n - 1 ? h.upperBoundsSeconds().get(i) : Double.POSITIVE_INFINITY;
            counts[i] = h.bucketCounts().get(i);
        }
        into.dataPoint(HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(h.sumSeconds())
                .labels(labels)
                .build());
    }
}
