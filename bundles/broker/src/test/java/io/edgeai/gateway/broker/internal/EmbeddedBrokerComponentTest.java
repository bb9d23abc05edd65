package io.edgeai.gateway.broker.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.BrokerStatus;
import io.edgeai.gateway.api.EmbeddedBroker;

class EmbeddedBrokerComponentTest {

    private static final Duration STARTUP = Duration.ofSeconds(20);

    @Test
    void roundTripsAQos1MessageOnAFreePort() throws Exception {
        RecordingBundleContext bundle = new RecordingBundleContext();
        EmbeddedBrokerComponent broker = new EmbeddedBrokerComponent(
                bundle.context, TestConfigs.of(BrokerConfig.class, Map.of("port", freePort())));
        try {
            BrokerStatus status = awaitRunning(bundle);
            assertEquals("HiveMQ CE 2025.5", status.implementation());

            MqttClient client =
                    new MqttClient("tcp://127.0.0.1:" + status.port(), "broker-test", new MemoryPersistence());
            try {
                MqttConnectOptions options = new MqttConnectOptions();
                options.setCleanSession(true);
                client.connect(options);
                BlockingQueue<String> received = new ArrayBlockingQueue<>(1);
                client.subscribe(
                        "edgeai/test/#",
                        1,
                        (topic, message) -> received.offer(topic + " " + message.getQos() + " "
                                + new String(message.getPayload(), StandardCharsets.UTF_8)));
                MqttMessage message = new MqttMessage("hello".getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                client.publish("edgeai/test/a", message);
                assertEquals("edgeai/test/a 1 hello", received.poll(10, TimeUnit.SECONDS));
                client.disconnect();
            } finally {
                client.close();
            }
        } finally {
            broker.deactivate();
        }
        assertNull(bundle.registered.get());
        assertFalse(broker.status().running());
    }

    @Test
    void restartsOnTheSamePortAfterEachStop() throws Exception {
        int port = freePort();
        for (int i = 0; i < 3; i++) {
            RecordingBundleContext bundle = new RecordingBundleContext();
            EmbeddedBrokerComponent broker = new EmbeddedBrokerComponent(
                    bundle.context, TestConfigs.of(BrokerConfig.class, Map.of("port", port)));
            try {
                assertEquals(port, awaitRunning(bundle).port());
            } finally {
                broker.deactivate();
            }
            assertNull(bundle.registered.get());
        }
        // stopped means stopped: none of the broker's threads outlive it (bundle:stop / bundle:start in a loop)
        await().atMost(STARTUP).until(() -> brokerThreads().isEmpty());
    }

    /** Threads HiveMQ and the component start, by name. */
    static java.util.List<String> brokerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("hivemq-")
                        || n.contains("-hivemq-")
                        || n.startsWith("edgeai-broker")
                        || n.startsWith("scheduled-persistence")
                        || n.startsWith("global-traffic-shaper")
                        || n.startsWith("idle-timeout-task")
                        || n.startsWith("extension-"))
                .collect(java.util.stream.Collectors.toList());
    }

    @Test
    void refusesAnonymousClientsOffLoopback() throws Exception {
        RecordingBundleContext bundle = new RecordingBundleContext();
        EmbeddedBrokerComponent broker = new EmbeddedBrokerComponent(
                bundle.context, TestConfigs.of(BrokerConfig.class, Map.of("host", "0.0.0.0", "port", freePort())));
        try {
            await().atMost(STARTUP).until(() -> broker.status().detail().contains("not a loopback address"));
            assertFalse(broker.status().running());
            assertNull(bundle.registered.get());
        } finally {
            broker.deactivate();
        }
    }

    @Test
    void withAPasswordFileOnlyKnownUsersWithTheRightPasswordGetIn(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // the password file format: user:sha256-hex-of-password
        String hash = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest("s3cret-broker-pw".getBytes(StandardCharsets.UTF_8)));
        java.nio.file.Path passwords =
                java.nio.file.Files.writeString(dir.resolve("passwords"), "device-1:" + hash + "\n");
        RecordingBundleContext bundle = new RecordingBundleContext();
        EmbeddedBrokerComponent broker = new EmbeddedBrokerComponent(
                bundle.context,
                TestConfigs.of(
                        BrokerConfig.class,
                        Map.of("port", freePort(), "allowAnonymous", false, "passwordFile", passwords.toString())));
        try {
            BrokerStatus status = awaitRunning(bundle);
            String uri = "tcp://127.0.0.1:" + status.port();
            // both get "bad user name or password" (CONNACK 4)
            assertEquals(
                    org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_FAILED_AUTHENTICATION,
                    connectFails(uri, null, null),
                    "anonymous");
            assertEquals(
                    org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_FAILED_AUTHENTICATION,
                    connectFails(uri, "device-1", "guess"),
                    "wrong password");
            MqttClient ok = new MqttClient(uri, "auth-ok", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setUserName("device-1");
            o.setPassword("s3cret-broker-pw".toCharArray());
            ok.connect(o);
            assertTrue(ok.isConnected());
            ok.disconnect();
            ok.close();
        } finally {
            broker.deactivate();
        }
    }

    /** @return Paho's reason code of the refused connect; fails the test if it connects */
    private static int connectFails(String uri, String user, String password) throws Exception {
        MqttClient c = new MqttClient(uri, "auth-" + user, new MemoryPersistence());
        try {
            MqttConnectOptions o = new MqttConnectOptions();
            if (user != null) {
                o.setUserName(user);
                o.setPassword(password.toCharArray());
            }
            c.connect(o);
            c.disconnect();
            throw new AssertionError("connected as " + user);
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            return e.getReasonCode();
        } finally {
            c.close();
        }
    }

    @Test
    void aBadValueTypedAtTheConsoleLeavesTheRunningBrokerAsItWasAndAGoodOneApplies() throws Exception {
        int port = freePort();
        try (RunningBroker broker = RunningBroker.start(Map.of("port", port))) {
            // as Config Admin hands over a word typed where a number belongs
            broker.component.modified(
                    TestConfigs.of(BrokerConfig.class, Map.of("port", port, "flowControlQueuedBytes", "abc")));
            BrokerStatus status = broker.service().status();
            assertTrue(status.running());
            assertTrue(
                    status.detail()
                            .contains("configuration change not applied, running with the previous settings: "
                                    + "flowControlQueuedBytes is not a valid long"),
                    status.detail());
            try (PahoPeer client = PahoPeer.connect(broker.uri(), "still-there", true)) {
                client.subscribe("still/#", 1);
                client.publish("still/a", "yes", 1, false);
                assertEquals(1, client.awaitCount(1, 10_000), "the broker kept running");
            }
            // a good change restarts the broker with it
            broker.component.modified(TestConfigs.of(
                    BrokerConfig.class, Map.of("port", port, "refusedSubscriptions", new String[] {"x/#"})));
            await().atMost(STARTUP)
                    .until(() -> broker.bundle.registered.get() != null
                            && broker.service().status().running()
                            && !broker.service().status().detail().contains("configuration"));
            try (PahoPeer client = PahoPeer.connect(broker.uri(), "after-change", true)) {
                org.eclipse.paho.client.mqttv3.IMqttToken token = client.client.subscribe("x/1", 1);
                token.waitForCompletion(10_000);
                assertEquals(0x80, token.getGrantedQos()[0], "the new setting is in force");
            }
        }
    }

    @Test
    void disabledStartsNothing() {
        RecordingBundleContext bundle = new RecordingBundleContext();
        EmbeddedBrokerComponent broker = new EmbeddedBrokerComponent(
                bundle.context, TestConfigs.of(BrokerConfig.class, Map.of("enabled", false)));
        await().atMost(STARTUP).until(() -> broker.status().detail().equals("disabled"));
        broker.deactivate();
        assertNull(bundle.registered.get());
        assertFalse(broker.status().running());
        assertEquals("disabled", broker.status().detail());
    }

    private static BrokerStatus awaitRunning(RecordingBundleContext bundle) {
        RecordingBundleContext.Registered registered =
                await().atMost(STARTUP).until(bundle.registered::get, r -> r != null);
        BrokerStatus status = ((EmbeddedBroker) registered.service()).status();
        assertTrue(status.running());
        assertEquals(status.port(), registered.properties().get(EmbeddedBrokerComponent.PROP_PORT));
        return status;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
