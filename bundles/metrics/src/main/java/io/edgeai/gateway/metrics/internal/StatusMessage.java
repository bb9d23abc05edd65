package io.edgeai.gateway.metrics.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.edgeai.gateway.api.LatencyHistogram;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;

/** The periodic JSON status message: the same figures as the metrics, for MQTT-only back ends. */
final class StatusMessage {

    private StatusMessage() {}

    /**
     * @param s the services
     * @param checks the health checks
     * @param nowMillis wall-clock time of the message
     * @return {@code {ts, health, pipelines[], connections[], models[]}}
     */
    static Map<String, Object> of(GatewayServices s, List<HealthCheck.Check> checks, long nowMillis) {
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("ts", nowMillis);
        msg.put("health", HealthCheck.body(checks));
        List<Object> pipelines = new ArrayList<>();
        for (Pipeline p : s.pipelines()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("status", p.status());
            entry.put("rejectedByCode", p.rejectedByCode());
            Map<String, Object> stages = new LinkedHashMap<>();
            p.stageLatencies().forEach((k, v) -> stages.put(k, summary(v)));
            entry.put("stages", stages);
            pipelines.add(entry);
        }
        msg.put("pipelines", pipelines);
        List<Object> connections = new ArrayList<>();
        for (MqttConnection c : s.connections()) {
            connections.add(c.status());
        }
        msg.put("connections", connections);
        List<Object> models = new ArrayList<>();
        for (ModelRunner m : s.models()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", m.info().id());
            entry.put("inferences", m.inferenceCount());
            entry.put("failures", m.failureCount());
            entry.put("latency", summary(m.inferenceLatency()));
            models.add(entry);
        }
        msg.put("models", models);
        return msg;
    }

    /** Count, mean and the bucket bound holding the median and the 99th percentile, in microseconds. */
    static Map<String, Object> summary(LatencyHistogram h) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", h.count());
        out.put("meanMicros", h.count() == 0 ? 0 : Math.round(h.sumSeconds() / h.count() * 1e6));
        out.put("p50MaxMicros", bound(h, 0.50));
        out.put("p99MaxMicros", bound(h, 0.99));
        return out;
    }

    /** @return the upper bound of the bucket holding quantile q, -1 when beyond the last bound, 0 when empty */
    private static long bound(LatencyHistogram h, double q) {
        if (h.count() == 0) {
            return 0;
        }
        long target = (long) Math.ceil(q * h.count());
        long seen = 0;
        for (int i = 0; i < h.bucketCounts().size(); i++) {
            seen += h.bucketCounts().get(i);
            if (seen >= target) {
                return i < h.upperBoundsSeconds().size()
                        ? Math.round(h.upperBoundsSeconds().get(i) * 1e6)
                        : -1;
            }
        }
        return -1;
    }
}
