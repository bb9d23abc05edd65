package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;

/**
 * Prometheus metrics, health and the JSON status message of the running distribution, after real readings
 * flowed through the embedded broker and the demo pipeline.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MetricsIT extends KarafTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String REPOSITORY = "edgeai.it.repository";

    @Override
    protected Option[] extraOptions() {
        try {
            return new Option[] {
                editConfigurationFilePut("etc/edgeai.metrics.cfg", "statusIntervalSeconds", "1"),
                // the tests run inside Karaf; the dashboard and the alert rules are in the repository
                systemProperty(REPOSITORY).value(new File("..").getCanonicalPath())
            };
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP response: status and body. */
    private record Response(int status, String body) {}

    private Response get(String path) throws Exception {
        Object port = configurationAdmin
                .getConfiguration("edgeai.metrics", null)
                .getProperties()
                .get("port");
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        try {
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                return new Response(status, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            c.disconnect();
        }
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        if (!m.find()) {
            throw new AssertionError("no " + series + " in\n" + metrics);
        }
        return Double.parseDouble(m.group(1));
    }

    private static JsonNode json(byte[] b) {
        try {
            return JSON.readTree(b);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    public void metricsHealthAndStatusReflectTheTrafficThatFlowed() throws Exception {
        Pipeline demo = service(Pipeline.class, "(name=demo)");
        MqttClient device = embeddedBrokerClient("metrics-it");
        try {
            List<JsonNode> results = new CopyOnWriteArrayList<>();
            List<JsonNode> status = new CopyOnWriteArrayList<>();
            device.subscribe("edgeai/anomaly/metrics-dev/#", 1, (t, m) -> results.add(json(m.getPayload())));
            device.subscribe("edgeai/gateway/+/metrics", 0, (t, m) -> status.add(json(m.getPayload())));
            Poll.until("the pipeline answers", TIMEOUT, () -> {
                device.publish("sensors/metrics-dev/temp", "20.0".getBytes(StandardCharsets.UTF_8), 1, false);
                return !results.isEmpty();
            });
            for (int i = 0; i < 100; i++) {
                device.publish(
                        "sensors/metrics-dev/temp",
                        Double.toString(20 + i % 5).getBytes(StandardCharsets.UTF_8),
                        1,
                        false);
            }
            device.publish("sensors/metrics-dev/temp", "not json".getBytes(StandardCharsets.UTF_8), 1, false);
            PipelineStatus settled = Poll.until("all results and the rejection", TIMEOUT, () -> {
                PipelineStatus st = demo.status();
                return results.size() >= 101 && st.rejected() >= 1 && st.queueDepth() == 0 ? st : null;
            });

            // the scrape shows the pipeline's own counters (nothing else flows meanwhile)
            String metrics = Poll.until("metrics match the pipeline status", TIMEOUT, () -> {
                String text = get("/metrics").body();
                PipelineStatus now = demo.status();
                // healthy too: the connection's lanes (control, text) connect on their own, just after it
                return value(text, "edgeai_healthy") == 1.0
                                && value(text, "edgeai_pipeline_messages_received_total{pipeline=\"demo\"}")
                                        == now.received()
                                && value(text, "edgeai_pipeline_messages_published_total{pipeline=\"demo\"}")
                                        == now.published()
                        ? text
                        : null;
            });
            assertTrue(value(metrics, "edgeai_pipeline_messages_published_total{pipeline=\"demo\"}")
                    >= settled.published());
            assertTrue(settled.published() >= 101);
            assertTrue(value(metrics, "edgeai_pipeline_messages_rejected_total{pipeline=\"demo\"}") >= 1);
            assertTrue(value(metrics, "edgeai_pipeline_rejections_total{code=\"not-json\",pipeline=\"demo\"}") >= 1);
            assertEquals(0.0, value(metrics, "edgeai_pipeline_queue_depth{pipeline=\"demo\"}"), 0);
            assertTrue(value(metrics, "edgeai_pipeline_stage_seconds_count{pipeline=\"demo\",stage=\"infer\"}") >= 101);
            assertTrue(value(metrics, "edgeai_pipeline_stage_seconds_count{pipeline=\"demo\",stage=\"total\"}") >= 101);
            String model = demo.status().model();
            String version = model.substring(model.indexOf('@') + 1);
            // the scorer runs the model once the 64-value window is full: at least 101 - 64 times here
            double runs = value(
                    metrics, "edgeai_model_inference_seconds_count{model=\"nab-ae\",version=\"" + version + "\"}");
            assertTrue("model runs " + runs, runs >= 101 - 64);
            assertTrue(value(metrics, "edgeai_model_inferences_total{model=\"nab-ae\",version=\"" + version + "\"}")
                    >= runs);
            assertEquals(1.0, value(metrics, "edgeai_mqtt_connected{connection=\"local\"}"), 0);
            assertEquals(1.0, value(metrics, "edgeai_embedded_broker_running"), 0);
            assertEquals(
                    "the broker discarded nothing",
                    0.0,
                    value(metrics, "edgeai_embedded_broker_messages_dropped_total"),
                    0);
            assertEquals(1.0, value(metrics, "edgeai_healthy"), 0);
            dashboardAndAlertRulesUseOnlyExportedMetrics(metrics);

            Response health = get("/health");
            assertEquals(health.body(), 200, health.status());
            JsonNode h = JSON.readTree(health.body());
            assertEquals("UP", h.get("status").asText());
            assertTrue(h.get("checks").get("models").get("detail").asText().contains(model));

            JsonNode msg = Poll.until("a status message with the traffic", TIMEOUT, () -> {
                for (JsonNode n : status) {
                    JsonNode p = n.get("pipelines").get(0);
                    if (p != null && p.get("status").get("published").asLong() >= settled.published()) {
                        return n;
                    }
                }
                return null;
            });
            assertEquals(
                    "demo",
                    msg.get("pipelines").get(0).get("status").get("name").asText());
            assertEquals("UP", msg.get("health").get("status").asText());
            assertEquals("CONNECTED", msg.get("connections").get(0).get("state").asText());
        } finally {
            device.disconnect();
            device.close();
        }
    }

    /**
     * Every metric the Grafana dashboard ({@code docs/grafana/edgeai.json}) and the alert rules
     * ({@code docs/prometheus/edgeai-rules.yml}) query is in a real scrape (histograms by their
     * {@code _bucket} series): a renamed metric breaks this, not an operator's dashboard.
     */
    private static void dashboardAndAlertRulesUseOnlyExportedMetrics(String metrics) throws IOException {
        Path repository = Path.of(System.getProperty(REPOSITORY));
        Pattern name = Pattern.compile("edgeai_[a-z0-9_]*[a-z0-9]");
        Set<String> used = new TreeSet<>();
        for (String doc : List.of("docs/grafana/edgeai.json", "docs/prometheus/edgeai-rules.yml")) {
            Set<String> inDoc = new TreeSet<>();
            Matcher m = name.matcher(Files.readString(repository.resolve(doc)));
            while (m.find()) {
                inDoc.add(m.group());
            }
            assertTrue(doc + " queries the gateway's metrics: " + inDoc, inDoc.size() >= 8);
            used.addAll(inDoc);
        }
        List<String> missing = used.stream()
                .filter(n -> !Pattern.compile("^" + n + "[{ ]", Pattern.MULTILINE)
                        .matcher(metrics)
                        .find())
                .toList();
        assertTrue("not in /metrics: " + missing + "\n" + metrics, missing.isEmpty());
    }

    @Test
    public void metricsConfigurationHasMetatype() {
        String meta = executeCommand("config:meta edgeai.metrics");
        for (String field : List.of(
                "host",
                "port",
                "statusIntervalSeconds",
                "statusTopic",
                "statusConnection",
                "viewEnabled",
                "viewTopics",
                "viewTextTopics",
                "viewMaxSeries",
                "viewPointsPerSeries")) {
            assertTrue(meta, meta.contains(field));
        }
    }

    @Test
    public void healthIsDownWhileNoModelServesAndUpAgainAfter() throws Exception {
        Poll.until("healthy at first", TIMEOUT, () -> get("/health").status() == 200);
        Bundle model = null;
        for (Bundle b : bundleContext.getBundles()) {
            if ("edgeai-model-anomaly-ae".equals(b.getSymbolicName())) {
                model = b;
            }
        }
        assertTrue("model bundle present", model != null);
        model.stop();
        try {
            // other models (the text encoders and heads) still serve: the anomaly pipeline is what is down
            Response down = Poll.until("health down without the anomaly model", TIMEOUT, () -> {
                Response r = get("/health");
                return r.status() == 503 && r.body().contains("demo") ? r : null;
            });
            JsonNode h = JSON.readTree(down.body());
            assertEquals("DOWN", h.get("status").asText());
            assertTrue(
                    down.body(),
                    h.get("checks").get("bundles").get("detail").asText().contains("edgeai-model-anomaly-ae"));
            // the demo pipeline cannot run without its model: configured but not running
            assertTrue(
                    down.body(),
                    h.get("checks").get("pipelines").get("detail").asText().contains("demo"));
            // liveness (for a watchdog) is not readiness: still up
            assertEquals(200, get("/health/live").status());
        } finally {
            model.start();
        }
        Poll.until("healthy again", TIMEOUT, () -> get("/health").status() == 200);
    }

    /**
     * A wrong value typed into a pipeline's configuration (issue 15): one ERROR line naming the property, the
     * pipeline listed with the reason in edgeai:pipelines, /health and the status topic; a running pipeline keeps
     * its settings; a corrected file starts it.
     */
    @Test
    public void aRefusedPipelineConfigurationIsShownAndACorrectedOneStarts() throws Exception {
        Poll.until("healthy at first", TIMEOUT, () -> get("/health").status() == 200);
        java.nio.file.Path cfg =
                java.nio.file.Path.of(System.getProperty("karaf.etc"), "edgeai.pipeline.anomaly-typo.cfg");
        java.nio.file.Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "name = typo",
                        "inputTopic = typo/+/+",
                        "outputTopicPrefix = edgeai/typo",
                        "maxSeries = lots",
                        ""));
        try {
            String listed = Poll.until("typo listed as refused", TIMEOUT, () -> {
                String out = executeCommand("edgeai:pipelines");
                return out.contains("typo: configuration refused, not running: maxSeries is not a valid int")
                        ? out
                        : null;
            });
            assertTrue(listed, listed.contains("lots"));
            Response down = Poll.until("health names the refused configuration", TIMEOUT, () -> {
                Response r = get("/health");
                return r.status() == 503 && r.body().contains("typo: configuration refused") ? r : null;
            });
            assertTrue(down.body(), down.body().contains("maxSeries"));
            assertTrue(
                    "one ERROR line naming the PID and the property",
                    Files.readString(karafLog())
                            .lines()
                            .anyMatch(l -> l.contains("| ERROR")
                                    && l.contains("edgeai.pipeline.anomaly")
                                    && l.contains("typo")
                                    && l.contains("maxSeries is not a valid int")));

            // corrected: it starts
            java.nio.file.Files.writeString(
                    cfg,
                    String.join(
                            "\n",
                            "name = typo",
                            "inputTopic = typo/+/+",
                            "outputTopicPrefix = edgeai/typo",
                            "maxSeries = 100",
                            ""));
            Pipeline typo = Poll.until("typo running", TIMEOUT, () -> {
                for (Pipeline p : bundleContext.getServiceReferences(Pipeline.class, "(name=typo)").stream()
                        .map(bundleContext::getService)
                        .toList()) {
                    if (p != null
                            && p.status().problem().isEmpty()
                            && p.status().inputTopic().equals("typo/+/+")) {
                        return p;
                    }
                }
                return null;
            });
            Poll.until("healthy again", TIMEOUT, () -> get("/health").status() == 200);

            // a wrong value for the running pipeline: it goes on with what it had, and says so
            java.nio.file.Files.writeString(
                    cfg,
                    String.join(
                            "\n",
                            "name = typo",
                            "inputTopic = typo/+/+",
                            "outputTopicPrefix = edgeai/typo",
                            "maxSeries = 100",
                            "queueCapacity = 10k",
                            ""));
            Poll.until(
                    "change refused, still running",
                    TIMEOUT,
                    () -> typo.status()
                            .problem()
                            .startsWith("change not applied, running with the previous settings: queueCapacity"));
            assertEquals("typo/+/+", typo.status().inputTopic());
            String out = executeCommand("edgeai:pipelines typo");
            assertTrue(out, out.contains("typo: configuration change not applied"));
        } finally {
            java.nio.file.Files.deleteIfExists(cfg);
        }
        Poll.until(
                "typo removed",
                TIMEOUT,
                () -> bundleContext
                        .getServiceReferences(Pipeline.class, "(name=typo)")
                        .isEmpty());
        Poll.until("healthy after", TIMEOUT, () -> get("/health").status() == 200);
    }

    private static java.nio.file.Path karafLog() {
        return java.nio.file.Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
    }
}
