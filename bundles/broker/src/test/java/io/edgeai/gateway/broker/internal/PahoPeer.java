package io.edgeai.gateway.broker.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import io.edgeai.gateway.testing.NoDelaySocketFactory;

/** A Paho 1.2.5 client as the gateway uses it, recording what arrives (topic and payload). */
final class PahoPeer implements AutoCloseable {

    /** One received message. */
    record Received(String topic, String payload, int qos, boolean retained, boolean duplicate) {}

    private static final long TIMEOUT_MILLIS = 10_000;

    final MqttAsyncClient client;
    final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();

    private PahoPeer(MqttAsyncClient client) {
        this.client = client;
    }

    static PahoPeer connect(String uri, String clientId, boolean cleanSession) throws MqttException {
        return connect(uri, clientId, cleanSession, false);
    }

    static PahoPeer connect(String uri, String clientId, boolean cleanSession, boolean manualAcks)
            throws MqttException {
        return connect(uri, clientId, cleanSession, manualAcks, 1000);
    }

    static PahoPeer connect(String uri, String clientId, boolean cleanSession, boolean manualAcks, int maxInflight)
            throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
        PahoPeer peer = new PahoPeer(client);
        client.setManualAcks(manualAcks);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // a test that expects a connection loses it on purpose, or fails on its next call
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                peer.received.add(new Received(
                        topic,
                        new String(message.getPayload(), java.nio.charset.StandardCharsets.UTF_8),
                        message.getQos(),
                        message.isRetained(),
                        message.isDuplicate()));
                peer.count.incrementAndGet();
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // publishers poll getPendingDeliveryTokens
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setMaxInflight(maxInflight);
        options.setAutomaticReconnect(false);
        // as the gateway's own connection does (TopicGuard.noDelay): without it, each window of QoS 1 PUBACKs
        // waits for a delayed TCP ACK and a subscriber gets ~1,200 messages/s
        options.setSocketFactory(new NoDelaySocketFactory());
        client.connect(options).waitForCompletion(TIMEOUT_MILLIS);
        return peer;
    }

    void subscribe(String filter, int qos) throws MqttException {
        client.subscribe(filter, qos).waitForCompletion(TIMEOUT_MILLIS);
    }

    void unsubscribe(String filter) throws MqttException {
        client.unsubscribe(filter).waitForCompletion(TIMEOUT_MILLIS);
    }

    /** Publishes, waiting while Paho's in-flight window is full rather than failing. */
    void publish(String topic, String payload, int qos, boolean retained) throws MqttException {
        publish(
                client,
                topic,
                payload.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                qos,
                retained,
                TIMEOUT_MILLIS);
    }

    /**
     * Publishes, waiting up to {@code timeoutMillis} while the client's in-flight window is full (PUBACKs not
     * yet back, or held by the broker's flow control) rather than failing.
     */
    static void publish(
            MqttAsyncClient client, String topic, byte[] payload, int qos, boolean retained, long timeoutMillis)
            throws MqttException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            try {
                client.publish(topic, payload, qos, retained);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > deadline) {
                    throw e;
                }
                // the window frees as PUBACKs arrive
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Waits until {@code expected} messages arrived, or until nothing new arrived for a few seconds, or the
     * deadline.
     *
     * @return how many arrived
     */
    int awaitCount(int expected, long deadlineMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + deadlineMillis;
        int last = -1;
        long lastChange = System.currentTimeMillis();
        while (count.get() < expected && System.currentTimeMillis() < deadline) {
            int now = count.get();
            if (now != last) {
                last = now;
                lastChange = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastChange > 5_000) {
                break;
            }
            synchronized (this) {
                wait(20);
            }
        }
        return count.get();
    }

    int count() {
        return count.get();
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(TIMEOUT_MILLIS);
            }
        } finally {
            client.close();
        }
    }
}
