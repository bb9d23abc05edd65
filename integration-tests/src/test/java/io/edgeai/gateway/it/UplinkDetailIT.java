package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.testing.GatewayProcess;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * On-demand detail end to end: the packaged gateway scores NAB's machine temperature series with an uplink policy
 * that keeps a history of raw readings per series; a {@code detail} command signed with a command key gets the
 * series' last raw readings on the response topic, and the same request unsigned, signed by a key the gateway does
 * not trust, for an unknown series or for an unknown pipeline gets a refusal with its reason.
 */
public class UplinkDetailIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY = "gw-detail";
    private static final String CMD = "edgeai/" + GATEWAY + "/cmd/detail";
    private static final String SERIES = "machine-1/temperature";
    private static final int HISTORY = 40;
    private static final int READINGS = 300;

    @Test
    public void aSignedDetailRequestGetsTheSeriesRawReadingsAndAnUnsignedOneIsRefused() throws Exception {
        List<NabSeries.Row> rows = NabSeries.machineTemperature().rows.subList(0, READINGS);
        KeyPair trusted = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        try (Mosquitto site = Mosquitto.startOnFreePort();
                GatewayProcess gateway = FaultTestSupport.gateway("gw-uplink-detail", site.uri())) {
            gateway.writeConfig(
                    "edgeai.mqtt.connection-uplink.cfg",
                    String.join(
                            "\n", "name = uplink", "serverUri = " + site.uri(), "clientId = gw-uplink-detail-up", ""));
            gateway.replaceInConfig("edgeai.lifecycle.cfg", "gatewayId", GATEWAY);
            gateway.replaceInConfig(
                    "edgeai.lifecycle.cfg",
                    "commandKeys",
                    Base64.getEncoder().encodeToString(trusted.getPublic().getEncoded()));
            String pipeline = "edgeai.pipeline.anomaly-demo.cfg";
            gateway.replaceInConfig(pipeline, "uplinkConnection", "uplink");
            gateway.replaceInConfig(pipeline, "uplinkHistory", String.valueOf(HISTORY));
            AtomicLong results = new AtomicLong();
            AtomicLong deadLetters = new AtomicLong();
            Map<String, JsonNode> answers = new ConcurrentHashMap<>();
            MqttClient listener = new MqttClient(site.uri(), "uplink-detail-it-listener", new MemoryPersistence());
            listener.connect(options());
            listener.subscribe("edgeai/#", 1, (t, m) -> {
                if (t.startsWith("edgeai/anomaly/")) {
                    results.incrementAndGet();
                } else if (t.startsWith("edgeai/deadletter/")) {
                    deadLetters.incrementAndGet();
                } else if (t.equals(CMD + "/response")) {
                    JsonNode a = JSON.readTree(m.getPayload());
                    answers.put(a.path("nonce").asText(""), a);
                }
            });
            MqttClient device = new MqttClient(site.uri(), "uplink-detail-it-device", new MemoryPersistence());
            device.connect(options());
            FaultTestSupport.start(gateway, "UplinkDetailIT");
            try {
                Poll.until("the pipeline's subscription", Duration.ofSeconds(90), () -> {
                    device.publish("sensors/probe/value", "probe".getBytes(StandardCharsets.UTF_8), 1, false);
                    return deadLetters.get() > 0;
                });
                for (NabSeries.Row r : rows) {
                    String p = "{\"ts\":\"" + r.isoTimestamp() + "\",\"value\":" + r.value() + "}";
                    device.publish("sensors/" + SERIES, p.getBytes(StandardCharsets.UTF_8), 1, false);
                }
                Poll.until("results of every reading", Duration.ofMinutes(2), () -> results.get() >= READINGS);

                // signed by a command key: the last HISTORY raw readings, oldest first, with their times
                JsonNode ok = ask(
                        device,
                        answers,
                        SignedCommands.detail(trusted.getPrivate(), trusted.getPublic(), GATEWAY, "demo", SERIES));
                assertEquals(ok.toString(), "ok", ok.get("status").asText());
                assertEquals("demo", ok.get("pipeline").asText());
                assertEquals(SERIES, ok.get("series").asText());
                assertEquals(HISTORY, ok.get("count").asInt());
                assertEquals(HISTORY, ok.get("values").size());
                for (int k = 0; k < HISTORY; k++) {
                    NabSeries.Row r = rows.get(READINGS - HISTORY + k);
                    assertEquals(
                            "value " + k,
                            Double.parseDouble(r.value()),
                            ok.get("values").get(k).asDouble(),
                            0);
                    assertEquals("time " + k, millis(r), ok.get("times").get(k).asLong());
                }

                // signed by a key the gateway does not trust, naming the trusted key's id: a bad signature
                JsonNode forged = ask(
                        device,
                        answers,
                        SignedCommands.detail(stranger.getPrivate(), trusted.getPublic(), GATEWAY, "demo", SERIES));
                assertRefused(forged, "bad signature");
                // the signed request with its signature taken off
                Map<String, Object> unsigned =
                        SignedCommands.detail(trusted.getPrivate(), trusted.getPublic(), GATEWAY, "demo", SERIES);
                unsigned.remove("signature");
                // refused before it is read: the answer carries no nonce
                answers.remove("");
                device.publish(CMD, JSON.writeValueAsBytes(unsigned), 1, false);
                Poll.until("the answer to the unsigned request", Duration.ofSeconds(30), () -> answers.containsKey(""));
                assertRefused(answers.get(""), "malformed: signature missing");
                // a signed request whose series was changed after signing
                Map<String, Object> changed =
                        SignedCommands.detail(trusted.getPrivate(), trusted.getPublic(), GATEWAY, "demo", SERIES);
                changed.put("series", "machine-2/temperature");
                assertRefused(ask(device, answers, changed), "bad signature");
                // signed, but for a series or a pipeline the gateway does not have
                assertRefused(
                        ask(
                                device,
                                answers,
                                SignedCommands.detail(
                                        trusted.getPrivate(),
                                        trusted.getPublic(),
                                        GATEWAY,
                                        "demo",
                                        "machine-9/temperature")),
                        "pipeline demo holds no series 'machine-9/temperature'");
                assertRefused(
                        ask(
                                device,
                                answers,
                                SignedCommands.detail(
                                        trusted.getPrivate(), trusted.getPublic(), GATEWAY, "no-such", SERIES)),
                        "unknown pipeline 'no-such'");
                assertTrue(
                        "every refusal is logged",
                        gateway.log().contains("Model command 'detail' refused: bad signature"));
            } finally {
                device.disconnect();
                device.close();
                listener.disconnect();
                listener.close();
            }
        }
    }

    private static JsonNode ask(MqttClient device, Map<String, JsonNode> answers, Map<String, Object> command)
            throws Exception {
        String nonce = String.valueOf(command.get("nonce"));
        device.publish(CMD, JSON.writeValueAsBytes(command), 1, false);
        Poll.until("the answer to " + nonce, Duration.ofSeconds(30), () -> answers.containsKey(nonce));
        return answers.get(nonce);
    }

    private static void assertRefused(JsonNode answer, String reason) {
        assertEquals(answer.toString(), "refused", answer.get("status").asText());
        assertTrue(answer.toString(), answer.get("reason").asText().contains(reason));
        assertTrue("no readings in a refusal: " + answer, !answer.has("values"));
    }

    private static long millis(NabSeries.Row r) {
        return LocalDateTime.parse(r.isoTimestamp()).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(1000);
        return o;
    }
}
