package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.testing.GatewayProcess;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * A text pipeline's uplink end to end: the packaged gateway's shipped text pipeline, given an uplink connection to a
 * second broker, sends each text's intent and entities up, and by default (privacy) not the text itself.
 */
public class TextUplinkIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INPUT = "home/kitchen/voice";
    private static final String TEXT = "turn off the lights in the Kitchen";

    @Test
    public void intentsAndEntitiesGoUpWithoutTheRawText() throws Exception {
        try (Mosquitto site = Mosquitto.startOnFreePort();
                Mosquitto cloud = Mosquitto.startOnFreePort();
                GatewayProcess gateway = FaultTestSupport.gateway("gw-text-uplink", site.uri())) {
            gateway.writeConfig(
                    "edgeai.mqtt.connection-uplink.cfg",
                    String.join(
                            "\n", "name = uplink", "serverUri = " + cloud.uri(), "clientId = gw-text-uplink-up", ""));
            gateway.replaceInConfig("edgeai.pipeline.text-demo.cfg", "uplinkConnection", "uplink");
            Map<String, JsonNode> results = new ConcurrentHashMap<>();
            List<Map.Entry<String, JsonNode>> up = new CopyOnWriteArrayList<>();
            MqttClient siteListener = new MqttClient(site.uri(), "text-uplink-it-site", new MemoryPersistence());
            siteListener.connect(options());
            siteListener.subscribe("edgeai/nlp/#", 1, (t, m) -> results.put(t, JSON.readTree(m.getPayload())));
            MqttClient cloudListener = new MqttClient(cloud.uri(), "text-uplink-it-cloud", new MemoryPersistence());
            cloudListener.connect(options());
            cloudListener.subscribe(
                    "edgeai/uplink/#", 1, (t, m) -> up.add(Map.entry(t, JSON.readTree(m.getPayload()))));
            MqttClient device = new MqttClient(site.uri(), "text-uplink-it-device", new MemoryPersistence());
            device.connect(options());
            FaultTestSupport.start(gateway, "TextUplinkIT");
            try {
                byte[] payload = ("{\"text\":\"" + TEXT + "\"}").getBytes(StandardCharsets.UTF_8);
                // the pipeline subscribes once its encoder serves: ask until the site has the answer
                Poll.until("the text pipeline's answer", Duration.ofSeconds(120), () -> {
                    if (!results.containsKey("edgeai/nlp/" + INPUT)) {
                        device.publish(INPUT, payload, 1, false);
                    }
                    return results.containsKey("edgeai/nlp/" + INPUT);
                });
                Poll.until("the text on the uplink", Duration.ofSeconds(30), () -> !up.isEmpty());
                JsonNode local = results.get("edgeai/nlp/" + INPUT);
                Map.Entry<String, JsonNode> a = up.get(0);
                assertEquals("edgeai/uplink/text/" + INPUT, a.getKey());
                JsonNode u = a.getValue();
                assertEquals(u.toString(), "text-demo", u.get("pipeline").asText());
                assertEquals(INPUT, u.get("topic").asText());
                assertEquals(u.toString(), "lights_off", u.get("intent").asText());
                assertEquals(local.get("intent"), u.get("intent"));
                assertEquals(local.get("confidence"), u.get("confidence"));
                assertEquals("the entities as the site got them", local.get("entities"), u.get("entities"));
                assertTrue(u.toString(), u.get("entities").size() > 0);
                assertFalse("the raw text stays on site: " + u, u.has("text"));
                assertTrue(
                        "the site's result keeps its text: " + local,
                        local.get("text").asText().equals(TEXT));
            } finally {
                for (MqttClient c : List.of(device, siteListener, cloudListener)) {
                    c.disconnect();
                    c.close();
                }
            }
        }
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        return o;
    }
}
