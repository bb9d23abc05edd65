package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.edgeai.gateway.api.BrokerStatus;
import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.testing.Mosquitto;

/** The distribution boots with every gateway bundle active, ONNX Runtime loaded and the broker serving. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SmokeIT extends KarafTestSupport {

    @Test
    public void everyGatewayBundleIsActive() {
        Map<String, Integer> states = Poll.until("all edgeai bundles ACTIVE", BOOT_TIMEOUT, () -> {
            Map<String, Integer> found = edgeaiBundleStates();
            boolean allActive = found.keySet().containsAll(EDGEAI_BUNDLES)
                    && found.values().stream().allMatch(state -> state == Bundle.ACTIVE);
            return allActive ? found : null;
        });
        assertTrue(states.keySet().containsAll(EDGEAI_BUNDLES));
    }

    @Test
    public void onnxRuntimeIsLoadedFromTheOrtBundle() {
        assertEquals("edgeai-ort", FrameworkUtil.getBundle(OrtEnvironment.class).getSymbolicName());
        assertNotNull(OrtEnvironment.getEnvironment());
        assertTrue(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CPU));
    }

    @Test
    public void embeddedBrokerRoundTripsAQos1Message() throws Exception {
        BrokerStatus broker = runningBroker();
        Object configuredPort = configurationAdmin
                .getConfiguration("edgeai.broker", null)
                .getProperties()
                .get("port");
        assertEquals(String.valueOf(configuredPort), Integer.toString(broker.port()));
        assertNotEquals("the test must not use the default port", 1883, broker.port());

        MqttClient client = embeddedBrokerClient("smoke-it");
        try {
            BlockingQueue<String> received = new ArrayBlockingQueue<>(1);
            client.subscribe(
                    "it/smoke/#",
                    1,
                    (topic, message) -> received.offer(topic + " q" + message.getQos() + " "
                            + new String(message.getPayload(), StandardCharsets.UTF_8)));
            MqttMessage message = new MqttMessage("ping".getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            client.publish("it/smoke/1", message);
            assertEquals("it/smoke/1 q1 ping", received.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            client.disconnect();
        } finally {
            client.close();
        }
    }

    @Test
    public void embeddedBrokerSurvivesBundleStopStartWithoutLeakingThreads() throws Exception {
        runningBroker();
        Bundle bundle = Arrays.stream(bundleContext.getBundles())
                .filter(b -> "edgeai-broker".equals(b.getSymbolicName()))
                .findFirst()
                .orElseThrow();
        for (int i = 0; i < 3; i++) {
            bundle.stop();
            bundle.start();
            runningBroker();
        }
        Poll.until("only the running broker's threads", TIMEOUT, SmokeIT::onlyOneBrokersThreads);
        MqttClient client = embeddedBrokerClient("smoke-it-cycle");
        client.disconnect();
        client.close();
    }

    /**
     * HiveMQ names its threads: one accepting event loop "hivemq-eventloop-parent-[n]" per running broker,
     * workers "hivemq-eventloop-child-[n]" (started lazily, so not counted), single executors such as
     * "embedded-hivemq-state-change-executor", "scheduled-persistence-executor" and "idle-timeout-task"; ours
     * is "edgeai-broker". After stop/start cycles there must be one of each, not one per cycle.
     */
    private static boolean onlyOneBrokersThreads() {
        List<String> names = Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .collect(Collectors.toList());
        long acceptors = names.stream()
                .filter(n -> n.startsWith("hivemq-eventloop-parent-"))
                .count();
        long singles = names.stream()
                .filter(n -> n.equals("embedded-hivemq-state-change-executor")
                        || n.equals("scheduled-persistence-executor")
                        || n.equals("idle-timeout-task"))
                .count();
        long owners = names.stream().filter("edgeai-broker"::equals).count();
        return acceptors == 1 && singles <= 3 && owners == 1;
    }

    @Test
    public void mosquittoHelperServesTheShippedConnectionWhenRepointed() throws Exception {
        String embedded = connection().status().serverUri();
        try (Mosquitto mosquitto = Mosquitto.startOnFreePort()) {
            updateConnection(Map.of("serverUri", mosquitto.uri()));
            try {
                MqttConnection connection = Poll.until("connection local on mosquitto", TIMEOUT, () -> {
                    MqttConnection c = connection();
                    ConnectionStatus status = c.status();
                    return mosquitto.uri().equals(status.serverUri()) && status.state() == ConnectionState.CONNECTED
                            ? c
                            : null;
                });
                MqttClient client = mqttClient(mosquitto.uri(), "smoke-it-mosquitto");
                try {
                    BlockingQueue<String> received = new ArrayBlockingQueue<>(1);
                    client.subscribe(
                            "it/mosquitto/#",
                            1,
                            (topic, message) -> received.offer(
                                    topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8)));
                    assertTrue(connection.publish("it/mosquitto/1", "pong".getBytes(StandardCharsets.UTF_8), 1, false));
                    assertEquals("it/mosquitto/1 pong", received.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                    client.disconnect();
                } finally {
                    client.close();
                }
            } finally {
                updateConnection(Map.of("serverUri", embedded));
            }
        }
        Poll.until(
                "connection local back on the embedded broker",
                TIMEOUT,
                () -> connection().status().serverUri().equals(embedded)
                        && connection().status().state() == ConnectionState.CONNECTED);
    }

    private MqttConnection connection() {
        return service(MqttConnection.class, "(" + EdgeAiConstants.CONNECTION_NAME + "=" + CONNECTION_NAME + ")");
    }

    @Test
    public void brokerConfigurationHasMetatype() {
        String meta = executeCommand("config:meta edgeai.broker");
        for (String key : List.of(
                "enabled",
                "host",
                "port",
                "allowAnonymous",
                "passwordFile",
                "persistenceEnabled",
                "dataDir",
                "maxMessageSize")) {
            assertTrue(key + " missing from:\n" + meta, meta.contains(key));
        }
    }

    private Map<String, Integer> edgeaiBundleStates() {
        return Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("edgeai-"))
                .collect(Collectors.toMap(Bundle::getSymbolicName, Bundle::getState, (a, b) -> a));
    }
}
