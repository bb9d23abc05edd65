package io.edgeai.gateway.nlp.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.mqtt.internal.ConnectionSettings;
import io.edgeai.gateway.mqtt.internal.PahoConnection;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * A text pipeline's uplink on plain Java: a site and a cloud mosquitto, real Paho, the shipped encoder and demo heads.
 * Intents and entities go up; the raw text only when the policy says so.
 */
class TextUplinkTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String INPUT = "home/k/cmd";
    private static final String UP = "edgeai/uplink/text/" + INPUT;

    private Mosquitto site;
    private Mosquitto cloud;
    private PahoConnection gateway;
    private PahoConnection uplink;
    private PahoConnection device;
    private PahoConnection listener;
    private TextWorker worker;
    private final List<JsonNode> results = new CopyOnWriteArrayList<>();
    private final List<Map.Entry<String, JsonNode>> up = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        site = Mosquitto.startOnFreePort();
        cloud = Mosquitto.startOnFreePort();
        gateway = new PahoConnection(ConnectionSettings.of("local", site.uri(), "edgeai-text-up-gw"));
        uplink = new PahoConnection(ConnectionSettings.of("cloud", cloud.uri(), "edgeai-text-up-uplink"));
        device = new PahoConnection(ConnectionSettings.of("dev", site.uri(), "edgeai-text-up-dev"));
        listener = new PahoConnection(ConnectionSettings.of("listener", cloud.uri(), "edgeai-text-up-cloud"));
        device.subscribe("edgeai/nlp/#", 1, m -> results.add(parse(m.payload())));
        listener.subscribe("#", 1, m -> up.add(Map.entry(m.topic(), parse(m.payload()))));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> List.of(gateway, uplink, device, listener).stream()
                        .allMatch(c -> c.status().state() == ConnectionState.CONNECTED));
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.stop();
        }
        for (PahoConnection c : List.of(device, listener, gateway, uplink)) {
            c.close();
        }
        site.close();
        cloud.close();
    }

    private static JsonNode parse(byte[] b) {
        try {
            return MAPPER.readTree(b);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private MqttConnection byName(String name) {
        return name.equals("cloud") ? uplink : null;
    }

    /** Publishes until the site has the result of this text (the subscription is asynchronous); @return it */
    private JsonNode ask(String text) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (result(text) == null) {
                        device.publish(
                                INPUT, ("{\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8), 1, false);
                    }
                    return result(text) != null;
                });
        return result(text);
    }

    private JsonNode result(String text) {
        for (JsonNode r : results) {
            if (r.path("text").asText().equals(text)) {
                return r;
            }
        }
        return null;
    }

    @Test
    void intentsAndEntitiesGoUpAndTheRawTextOnlyWhenConfigured() {
        TextSettings s = new TextSettings(
                "heads",
                "home/+/cmd",
                1,
                "edgeai/nlp",
                1,
                "edgeai/deadletter",
                "text",
                1 << 20,
                500,
                "all-minilm-l6-v2-q",
                Set.of("intent", "entities", "embedding"),
                Map.of(),
                "iot-intent-minilm",
                "iot-slots-minilm",
                -1,
                0.5,
                0.05,
                100);
        worker = new TextWorker(s, gateway, TestModels.ALL)
                .uplink(new TextUplinkSettings("cloud", "edgeai/uplink/", false), this::byName);
        worker.start();

        // privacy default: intent and entities up, no raw text, no embedding
        String first = "turn off the lights in the Kitchen";
        JsonNode local = ask(first);
        await().atMost(Duration.ofSeconds(20)).until(() -> !up.isEmpty());
        Map.Entry<String, JsonNode> a = up.get(up.size() - 1);
        assertEquals(UP, a.getKey());
        JsonNode u = a.getValue();
        assertEquals("heads", u.get("pipeline").asText());
        assertEquals(INPUT, u.get("topic").asText());
        assertEquals("iot_hue_lightoff", u.get("intent").asText(), u.toString());
        assertEquals(local.get("intent"), u.get("intent"));
        assertEquals(local.get("confidence"), u.get("confidence"));
        assertEquals(local.get("intentModel"), u.get("intentModel"));
        assertEquals(local.get("entities"), u.get("entities"), "the entities as the site got them");
        assertTrue(u.get("entities").toString().contains("\"Kitchen\""), u.toString());
        assertEquals(local.get("model"), u.get("model"));
        assertFalse(u.has("text"), "the raw text stays on site: " + u);
        assertFalse(u.has("embedding"), "no embedding on the uplink: " + u);
        assertFalse(u.has("alternatives"), u.toString());
        assertTrue(local.has("embedding") && local.has("text"), "the site's result is unchanged: " + local);

        // the raw text, once the policy asks for it (live)
        worker.uplink(new TextUplinkSettings("cloud", "edgeai/uplink", true), this::byName);
        String second = "switch the light on in the bedroom";
        ask(second);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> up.stream()
                        .anyMatch(e -> e.getValue().path("text").asText().equals(second)));

        // no uplink: nothing more goes up
        worker.uplink(TextUplinkSettings.OFF, this::byName);
        int before = up.size();
        ask("what is the weather like");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> up.size() == before);
    }
}
