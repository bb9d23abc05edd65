package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;

import io.edgeai.gateway.testing.GatewayProcess;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * The packaged gateway with its embedded broker kept on disk ({@code persistenceEnabled = true}) across a restart
 * of the whole JVM: results queued for an offline persistent-session subscriber before the restart are delivered
 * after it (HiveMQ's RocksDB/Xodus files under data/, natives loaded inside OSGi twice). Also what the console
 * says at start: the ready line and how to add the missing console user.
 */
public class EmbeddedBrokerRestartIT {
    private static final Duration BOOT = Duration.ofSeconds(150);
    private static final int RESULTS = 5;

    @Test
    public void resultsQueuedForAnOfflineSubscriberSurviveAGatewayRestart() throws Exception {
        Path dir = Files.createTempDirectory("broker-restart");
        int port = Mosquitto.freePort();
        String uri = "tcp://127.0.0.1:" + port;
        try (GatewayProcess gateway = GatewayProcess.unpack(Path.of(System.getProperty("edgeai.distribution")), dir)) {
            gateway.replaceInConfig("edgeai.broker.cfg", "port", Integer.toString(port));
            gateway.replaceInConfig("edgeai.broker.cfg", "persistenceEnabled", "true");
            gateway.replaceInConfig("edgeai.mqtt.connection-local.cfg", "serverUri", uri);
            gateway.start(BOOT);
            String ready = Poll.until("the console's ready line", BOOT, () -> {
                String out = gateway.consoleOut();
                return out.contains("EdgeAI Gateway ready:") ? out : null;
            });
            assertTrue(ready, ready.contains("health " + gateway.metricsUrl() + "/health"));
            assertTrue(ready, ready.contains("No console users yet") && ready.contains("jaas:user-add admin"));

            // a persistent session subscribes, then goes away
            MqttClient offline = client(uri, "it-persistent-sub", false);
            offline.subscribe("edgeai/anomaly/persist/#", 1);
            offline.disconnect();
            offline.close();
            // results for it are produced while it is away (an online witness says when all are out)
            List<String> witnessed = new CopyOnWriteArrayList<>();
            MqttClient witness = client(uri, "it-witness", true);
            witness.subscribe("edgeai/anomaly/persist/#", 1, (t, m) -> witnessed.add(t));
            MqttClient device = client(uri, "it-persist-device", true);
            Poll.until(RESULTS + " results out", Duration.ofSeconds(60), () -> {
                if (witnessed.size() < RESULTS) {
                    device.publish("sensors/persist/temp", "21.5".getBytes(StandardCharsets.UTF_8), 1, false);
                }
                return witnessed.size() >= RESULTS;
            });
            int queued = witnessed.size();
            device.disconnect();
            device.close();
            witness.disconnect();
            witness.close();

            gateway.stop(Duration.ofSeconds(60));
            gateway.start(BOOT);

            List<String> redelivered = new CopyOnWriteArrayList<>();
            MqttClient back = new MqttClient(uri, "it-persistent-sub", new MemoryPersistence());
            back.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    // asserted on below
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    redelivered.add(topic);
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                    // nothing published
                }
            });
            Poll.until("the persistent session reconnects", BOOT, () -> {
                try {
                    back.connect(options(false));
                    return true;
                } catch (org.eclipse.paho.client.mqttv3.MqttException notYet) {
                    return false; // the broker is still starting
                }
            });
            Poll.until(
                    queued + " results queued before the restart",
                    Duration.ofSeconds(60),
                    () -> redelivered.size() >= queued);
            assertEquals("each queued result once", queued, redelivered.size());
            back.disconnect();
            back.close();
        }
    }

    private static MqttConnectOptions options(boolean clean) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(clean);
        o.setAutomaticReconnect(false);
        return o;
    }

    private static MqttClient client(String uri, String id, boolean clean) throws Exception {
        MqttClient c = new MqttClient(uri, id, new MemoryPersistence());
        c.connect(options(clean));
        return c;
    }
}
