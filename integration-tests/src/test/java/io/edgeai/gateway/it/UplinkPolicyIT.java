package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.testing.GatewayProcess;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * The uplink policy end to end: the packaged gateway takes NAB's machine temperature series from a site broker and
 * sends its uplink through a TCP proxy to a second broker. Every alarm edge of the site's results arrives on the
 * uplink with the same payload, each alarm with an evidence window holding the series' raw values before and after
 * it, and summaries whose figures, chained in order, are the readings' own. The uplink is cut while the detector
 * raises alarms: nothing is lost, and when the link is back the alarms go up before the summaries held with them.
 */
public class UplinkPolicyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "sensors/machine-1/temperature";
    private static final int BEFORE = 16;
    private static final int AFTER = 16;

    /** A message that arrived on a broker, in order. */
    private record Arrival(String topic, JsonNode body, String raw, long nanos) {}

    @Test
    public void alarmsEvidenceAndSummariesGoUpAndAnUplinkCutLosesNothing() throws Exception {
        NabSeries nab = NabSeries.machineTemperature();
        List<NabSeries.Row> rows = nab.rows;
        try (Mosquitto site = Mosquitto.startOnFreePort();
                Mosquitto cloud = Mosquitto.startOnFreePort();
                TcpProxy link = new TcpProxy(cloud.port());
                GatewayProcess gateway = FaultTestSupport.gateway("gw-uplink-policy", site.uri())) {
            gateway.writeConfig(
                    "edgeai.mqtt.connection-uplink.cfg",
                    String.join(
                            "\n",
                            "name = uplink",
                            "serverUri = " + link.uri(),
                            "clientId = gw-uplink-policy-up",
                            "keepAliveSeconds = 5",
                            "reconnectMinDelayMs = 100",
                            "reconnectMaxDelayMs = 1000",
                            ""));
            String pipeline = "edgeai.pipeline.anomaly-demo.cfg";
            gateway.replaceInConfig(pipeline, "uplinkConnection", "uplink");
            gateway.replaceInConfig(pipeline, "uplinkSummarySeconds", "5");
            gateway.replaceInConfig(pipeline, "uplinkEvidenceBefore", String.valueOf(BEFORE));
            gateway.replaceInConfig(pipeline, "uplinkEvidenceAfter", String.valueOf(AFTER));
            List<Arrival> siteAlarms = new CopyOnWriteArrayList<>();
            List<Arrival> up = new CopyOnWriteArrayList<>();
            AtomicLong results = new AtomicLong();
            AtomicLong deadLetters = new AtomicLong();
            MqttClient siteListener = listen(site.uri(), "uplink-it-site", "edgeai/#", (t, a) -> {
                if (t.startsWith("edgeai/anomaly/")) {
                    results.incrementAndGet();
                } else if (t.startsWith("edgeai/deadletter/")) {
                    deadLetters.incrementAndGet();
                } else if (t.startsWith("edgeai/alarm/")) {
                    siteAlarms.add(a);
                }
            });
            MqttClient cloudListener = listen(cloud.uri(), "uplink-it-cloud", "#", (t, a) -> up.add(a));
            MqttClient device = new MqttClient(site.uri(), "uplink-it-device", new MemoryPersistence());
            device.connect(options());
            FaultTestSupport.start(gateway, "UplinkPolicyIT");
            try {
                // the pipeline subscribes once its model serves: a probe it rejects (not JSON, no series is made for
                // it) comes back as a dead letter from then on
                Poll.until("the pipeline's subscription", Duration.ofSeconds(90), () -> {
                    device.publish("sensors/probe/value", "probe".getBytes(StandardCharsets.UTF_8), 1, false);
                    return deadLetters.get() > 0;
                });
                int cutFrom = rows.size() / 4;
                int cutTo = rows.size() * 3 / 4;
                send(device, rows, 0, cutFrom, results);
                Poll.until(
                        "alarms on the uplink",
                        Duration.ofSeconds(30),
                        () -> countTopic(up, "/alarm/") >= siteAlarms.size());
                link.cut();
                int alarmsBeforeCut = siteAlarms.size();
                send(device, rows, cutFrom, cutTo, results);
                assertTrue(
                        "the detector raised alarm edges during the cut (else the cut proves nothing)",
                        siteAlarms.size() > alarmsBeforeCut);
                // every reading is answered; the period's summary joins the alarms waiting in the uplink's store
                double stored = uplinkQueued(gateway);
                assertTrue("the alarms wait in the uplink's store: " + stored, stored > 0);
                Poll.until(
                        "a summary stored with the alarms",
                        Duration.ofSeconds(30),
                        () -> uplinkQueued(gateway) > stored);
                int held = siteAlarms.size() - alarmsBeforeCut;
                long restoredAt = System.nanoTime();
                link.restore();
                Poll.until(
                        "the held alarms and a summary",
                        Duration.ofSeconds(60),
                        () -> countTopic(up, "/alarm/") >= siteAlarms.size()
                                && up.stream()
                                        .anyMatch(a -> a.nanos() > restoredAt
                                                && a.topic().contains("/summary/")));
                Poll.until("the uplink store drained", Duration.ofSeconds(30), () -> uplinkQueued(gateway) == 0);
                List<Arrival> burst = up.stream()
                        .filter(a -> a.nanos() > restoredAt && a.topic().startsWith("edgeai/uplink/"))
                        .toList();
                int lastAlarm = -1;
                int firstSummary = Integer.MAX_VALUE;
                for (int i = 0; i < burst.size(); i++) {
                    if (burst.get(i).topic().contains("/summary/")) {
                        firstSummary = Math.min(firstSummary, i);
                    } else {
                        lastAlarm = i;
                    }
                }
                assertTrue(
                        "after the cut the " + held + " alarm edges and their evidence went up before the summaries"
                                + " held with them: "
                                + burst.stream().map(Arrival::topic).toList(),
                        lastAlarm < firstSummary);
                send(device, rows, cutTo, rows.size(), results);
                // the last period ends, and evidence windows still filling go up a quiet period later
                Poll.until(
                        "every reading summarised, every evidence window",
                        Duration.ofSeconds(60),
                        () -> summarisedReadings(up) == rows.size()
                                && countTopic(up, "/evidence/") == countEvent(siteAlarms, "alarm"));
                check(rows, siteAlarms, up);
                FaultStream.report(String.format(
                        "UplinkPolicyIT: %d readings of machine_temperature_system_failure; %d alarm edges (%d during"
                                + " a cut of the uplink), %d evidence windows, %d summaries on the uplink; none lost",
                        rows.size(),
                        siteAlarms.size(),
                        held,
                        countTopic(up, "/evidence/"),
                        countTopic(up, "/summary/")));
            } finally {
                device.disconnect();
                device.close();
                siteListener.disconnect();
                siteListener.close();
                cloudListener.disconnect();
                cloudListener.close();
            }
        }
    }

    private static final Pattern QUEUED =
            Pattern.compile("edgeai_mqtt_publish_queue_depth\\{connection=\"uplink\"\\} ([0-9.eE+-]+)");

    /** @return messages in the uplink connection's store (metrics endpoint) */
    private static double uplinkQueued(GatewayProcess gateway) throws java.io.IOException {
        Matcher m = QUEUED.matcher(gateway.httpGet("/metrics"));
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static void check(List<NabSeries.Row> rows, List<Arrival> siteAlarms, List<Arrival> up) {
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            index.put(millis(rows.get(i)), i);
        }
        // alarm edges: the site's, with the same payload, each once (at least once: a resent one may repeat)
        Set<String> siteEdges = new TreeSet<>();
        siteAlarms.forEach(a -> siteEdges.add(a.raw()));
        Set<String> upEdges = new TreeSet<>();
        up.stream().filter(a -> a.topic().startsWith("edgeai/uplink/alarm/")).forEach(a -> upEdges.add(a.raw()));
        assertEquals("every alarm edge, as the site got it", siteEdges, upEdges);
        assertTrue(up.stream()
                .filter(a -> a.topic().startsWith("edgeai/uplink/alarm/"))
                .allMatch(a -> a.topic().equals("edgeai/uplink/alarm/machine-1/temperature")));
        // evidence: the raw values around each alarm
        for (Arrival a : up) {
            if (!a.topic().startsWith("edgeai/uplink/evidence/")) {
                continue;
            }
            JsonNode e = a.body();
            Integer at = index.get(e.get("ts").asLong());
            assertTrue("evidence of a reading sent: " + e.get("ts"), at != null);
            assertEquals(
                    Double.parseDouble(rows.get(at).value()), e.get("value").asDouble(), 0);
            assertEquals(Math.min(BEFORE, at), e.get("before").size());
            assertTrue(e.get("after").size() <= AFTER);
            for (int k = 0; k < e.get("before").size(); k++) {
                int i = at - e.get("before").size() + k;
                assertEquals(
                        "before " + k,
                        Double.parseDouble(rows.get(i).value()),
                        e.get("before").get(k).asDouble(),
                        0);
                assertEquals(millis(rows.get(i)) - millis(rows.get(at)), offset(e, "before", k));
            }
            for (int k = 0; k < e.get("after").size(); k++) {
                int i = at + 1 + k;
                assertEquals(
                        "after " + k,
                        Double.parseDouble(rows.get(i).value()),
                        e.get("after").get(k).asDouble(),
                        0);
                assertEquals(millis(rows.get(i)) - millis(rows.get(at)), offset(e, "after", k));
            }
        }
        // summaries, in period order: their counts chain through the series and their figures are the readings'
        List<JsonNode> summaries = up.stream()
                .filter(a -> a.topic().equals("edgeai/uplink/summary/demo"))
                .map(Arrival::body)
                .sorted(Comparator.comparingLong(n -> n.get("from").asLong()))
                .toList();
        int next = 0;
        long lastTo = -1;
        for (JsonNode s : summaries) {
            assertEquals("demo", s.get("pipeline").asText());
            assertTrue(
                    "periods follow each other: " + s,
                    lastTo < 0 || s.get("from").asLong() == lastTo);
            lastTo = s.get("to").asLong();
            JsonNode f = s.get("series").get("machine-1/temperature");
            int n = f.get(0).asInt();
            if (n == 0) {
                continue;
            }
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            double sum = 0;
            for (int i = next; i < next + n; i++) {
                double v = Double.parseDouble(rows.get(i).value());
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            assertEquals("min", min, f.get(1).asDouble(), 0);
            assertEquals("max", max, f.get(2).asDouble(), 0);
            assertEquals("mean", sum / n, f.get(3).asDouble(), 1e-9 * Math.abs(sum / n));
            assertEquals(
                    "last",
                    Double.parseDouble(rows.get(next + n - 1).value()),
                    f.get(4).asDouble(),
                    0);
            assertTrue("max score in 0..1", f.get(5).asDouble() >= 0 && f.get(5).asDouble() <= 1);
            next += n;
        }
        assertEquals("every reading is in exactly one summary", rows.size(), next);
    }

    private static long offset(JsonNode e, String half, int k) {
        if (e.has("step")) {
            long step = e.get("step").asLong();
            return half.equals("before") ? -(e.get("before").size() - k) * step : (k + 1) * step;
        }
        return e.get(half + "Dt").get(k).asLong();
    }

    private static long millis(NabSeries.Row r) {
        return LocalDateTime.parse(r.isoTimestamp()).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static long countTopic(List<Arrival> up, String part) {
        return up.stream().filter(a -> a.topic().contains(part)).count();
    }

    private static long countEvent(List<Arrival> alarms, String event) {
        return alarms.stream()
                .filter(a -> a.body().path("event").asText("").equals(event))
                .count();
    }

    /** Readings counted by the summaries received (each period once, by its start). */
    private static long summarisedReadings(List<Arrival> up) {
        Map<Long, Integer> byPeriod = new HashMap<>();
        for (Arrival a : up) {
            if (a.topic().contains("/summary/")) {
                byPeriod.put(
                        a.body().get("from").asLong(),
                        a.body()
                                .get("series")
                                .path("machine-1/temperature")
                                .path(0)
                                .asInt(0));
            }
        }
        return byPeriod.values().stream().mapToLong(Integer::longValue).sum();
    }

    private static void send(MqttClient device, List<NabSeries.Row> rows, int from, int to, AtomicLong results)
            throws MqttException {
        for (int i = from; i < to; i++) {
            NabSeries.Row r = rows.get(i);
            String p = "{\"ts\":\"" + r.isoTimestamp() + "\",\"value\":" + r.value() + "}";
            device.publish(TOPIC, p.getBytes(StandardCharsets.UTF_8), 1, false);
        }
        Poll.until("results of readings up to " + to, Duration.ofMinutes(3), () -> results.get() >= to);
    }

    private interface Sink {
        void accept(String topic, Arrival a);
    }

    private static MqttClient listen(String uri, String id, String filter, Sink sink) throws MqttException {
        MqttClient c = new MqttClient(uri, id, new MemoryPersistence());
        c.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // the test fails on what is missing
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                String raw = new String(message.getPayload(), StandardCharsets.UTF_8);
                JsonNode body;
                try {
                    body = JSON.readTree(raw);
                } catch (java.io.IOException e) {
                    body = JSON.createObjectNode().put("unparsable", raw);
                }
                sink.accept(topic, new Arrival(topic, body, raw, System.nanoTime()));
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
                // not publishing
            }
        });
        c.connect(options());
        c.subscribe(filter, 1);
        return c;
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(1000);
        return o;
    }
}
