package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The web view of the running distribution, in a real browser: a real NAB series (machine temperature) is
 * played until the demo pipeline raises an alarm, then headless Chromium opens {@code /view} and the test waits
 * until the page's chart of that series shows the alarm marker, and saves a screenshot
 * ({@code target/web-view.png}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebViewIT extends KarafTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET = "edgeai.it.target";
    private static final String RESULTS = "edgeai/anomaly/view-dev/temperature";
    private static final String TEXT = "turn off the kitchen lights";
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(90);

    @Override
    protected Option[] extraOptions() {
        try {
            return new Option[] {systemProperty(TARGET).value(new File("target").getCanonicalPath())};
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String base() throws Exception {
        Object port = configurationAdmin
                .getConfiguration("edgeai.metrics", null)
                .getProperties()
                .get("port");
        return "http://127.0.0.1:" + port;
    }

    private String get(String path) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(base() + path).openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        try {
            assertEquals(path, 200, c.getResponseCode());
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            c.disconnect();
        }
    }

    @Test
    public void aBrowserShowsTheAlarmsOfALiveNabSeries() throws Exception {
        // the endpoint may still be starting (or restarting on its configuration) when the test begins
        String page = Poll.until("the view answers", TIMEOUT, () -> get("/view"));
        assertTrue(page, page.contains("<title>EdgeAI Gateway</title>"));
        assertFalse("nothing loaded from elsewhere", page.contains("http://") || page.contains("https://"));
        assertFalse(page.contains("<script src"));

        // play the series in steps of 100 readings, each answered before the next, until the pipeline has raised
        // an alarm, then 60 readings more: the alarm is among the results the view keeps for the chart
        NabSeries series = NabSeries.machineTemperature();
        MqttClient device = embeddedBrokerClient("web-view-it");
        List<JsonNode> alarms = new CopyOnWriteArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        int played = 0;
        try {
            // the pipeline and the view listen once a probe reading's result reaches the view
            Poll.until("the pipeline and the view listening", TIMEOUT, () -> {
                device.publish("sensors/view-probe/probe", "1".getBytes(StandardCharsets.UTF_8), 1, false);
                return get("/view/api/series").contains("edgeai/anomaly/view-probe/probe");
            });
            device.subscribe("edgeai/alarm/view-dev/#", 1, (t, m) -> alarms.add(JSON.readTree(m.getPayload())));
            device.subscribe(RESULTS, 1, (t, m) -> answered.incrementAndGet());
            int stop = series.rows.size();
            while (played < stop) {
                int step = Math.min(100, stop - played);
                for (int i = played; i < played + step; i++) {
                    NabSeries.Row row = series.rows.get(i);
                    String payload = "{\"ts\":\"" + row.isoTimestamp() + "\",\"value\":" + row.value() + "}";
                    device.publish("sensors/view-dev/temperature", payload.getBytes(StandardCharsets.UTF_8), 1, false);
                }
                played += step;
                int expected = played;
                Poll.until(expected + " readings answered", TIMEOUT, () -> answered.get() >= expected);
                if (!alarms.isEmpty() && stop == series.rows.size()) {
                    stop = Math.min(series.rows.size(), played + 60);
                }
            }
            assertFalse("an alarm was raised in " + played + " readings", alarms.isEmpty());
            // and a voice command for the text pipeline, listed with its intent
            // (again every 5 s while the text pipeline may still be subscribing)
            long[] sent = {0};
            Poll.until("the text result in the view", TIMEOUT, () -> {
                if (System.nanoTime() - sent[0] > TimeUnit.SECONDS.toNanos(5) || sent[0] == 0) {
                    device.publish("home/kitchen/voice", TEXT.getBytes(StandardCharsets.UTF_8), 1, false);
                    sent[0] = System.nanoTime();
                }
                return get("/view/api/status").contains("\"text\":\"" + TEXT + "\"");
            });
        } finally {
            device.disconnect();
            device.close();
        }

        // the view's own data: the series with its alarm, the pipeline, the model and the connection
        JsonNode data = Poll.until("the view has the series' alarm", TIMEOUT, () -> {
            JsonNode d = JSON.readTree(get("/view/api/series?since=0&topics=" + RESULTS));
            return d.get("alarmed").toString().contains(RESULTS) ? d : null;
        });
        assertTrue(data.toString(), data.get("series").get(0).get("alarms").asLong() >= 1);
        JsonNode status = JSON.readTree(get("/view/api/status"));
        assertEquals(
                "demo", status.get("pipelines").get(0).get("status").get("name").asText());
        assertTrue(
                status.toString(),
                status.get("pipelines").get(0).get("threshold").asDouble() > 0);
        assertTrue(status.toString(), status.get("models").toString().contains("\"name\":\"nab-ae\""));
        assertTrue(status.toString(), status.get("connections").toString().contains("\"name\":\"local\""));

        // the page in a real browser: the chart shows the alarm marker
        String chromium = chromium();
        assumeTrue("headless Chromium is not installed (apt-get install -y chromium)", chromium != null);
        Path target = Path.of(System.getProperty(TARGET));
        Path profile = Files.createTempDirectory(target, "chromium-profile");
        String dom = Poll.until("the chart's alarm marker in the browser", BROWSER_TIMEOUT, () -> {
            String d = browser(chromium, profile, "--dump-dom", base() + "/view");
            return d.contains("class=\"alarm-marker\"") && d.contains("data-topic=\"" + RESULTS + "\"") ? d : null;
        });
        assertTrue(dom, dom.contains("class=\"threshold\""));
        assertTrue(dom, dom.contains(">nab-ae<"));
        assertTrue(dom, dom.contains(">" + TEXT + "<"));
        Path shot = target.resolve("web-view.png");
        Files.deleteIfExists(shot);
        browser(chromium, profile, "--screenshot=" + shot, "--window-size=1200,1050", base() + "/view");
        assertTrue("screenshot " + shot, Files.isRegularFile(shot) && Files.size(shot) > 10_000);
    }

    /** {@code viewEnabled = false} takes the view off the endpoint; /metrics stays. */
    @Test
    public void theViewCanBeSwitchedOff() throws Exception {
        Poll.until("the view answers", TIMEOUT, () -> status("/view") == 200);
        org.osgi.service.cm.Configuration cfg = configurationAdmin.getConfiguration("edgeai.metrics", null);
        java.util.Dictionary<String, Object> props = cfg.getProperties();
        props.put("viewEnabled", false);
        cfg.update(props);
        try {
            Poll.until(
                    "no view, metrics still served",
                    TIMEOUT,
                    () -> status("/view") == 404 && status("/metrics") == 200);
        } finally {
            props.put("viewEnabled", true);
            cfg.update(props);
        }
        Poll.until("the view back", TIMEOUT, () -> status("/view") == 200);
    }

    private int status(String path) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(base() + path).openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    private static String chromium() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    /** Runs headless Chromium once (its scripts get 4 s of page time to poll) and returns what it printed. */
    private static String browser(String chromium, Path profile, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=4000"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(profile, "out", ".txt");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish: " + command);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
