package io.edgeai.gateway.broker.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker with a subscriber slower than its publisher, as the gateway is under a burst: with flow
 * control the publisher is slowed and every QoS 1 message arrives; without it the broker acknowledges and then
 * discards what exceeds the subscriber's queue. And a queue nobody reads does not hold publishers for good.
 */
class FlowControlTest {

    private static final int MESSAGES = 3_000;
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String PAYLOAD_PAD = "x".repeat(100);

    @Test
    void aSlowSubscriberSlowsItsPublisherInsteadOfLosingMessages() throws Exception {
        Outcome outcome = burstToASubscriberThatStartsLate(Map.of("flowControlQueuedBytes", 16L * 1024));
        assertEquals(0, outcome.dropped, "nothing discarded");
        assertEquals(MESSAGES, outcome.distinct, "every message arrived");
        assertTrue(outcome.held > 0, "the publisher was held back: " + outcome.held);
    }

    @Test
    void withoutFlowControlTheSameBurstLosesMessages() throws Exception {
        Outcome outcome = burstToASubscriberThatStartsLate(Map.of("flowControlQueuedBytes", 0L));
        assertTrue(outcome.dropped > 0, "the queue limit discards: " + outcome.dropped);
        assertEquals(MESSAGES - outcome.dropped, outcome.distinct);
    }

    @Test
    void aQueueNobodyReadsReleasesThePublishersAndSaysSo() throws Exception {
        try (RunningBroker broker =
                        RunningBroker.start(Map.of("maxQueuedMessages", 200L, "flowControlQueuedBytes", 16L * 1024));
                // a small in-flight window, as devices have: what is in flight passes before the hold begins
                PahoPeer publisher = PahoPeer.connect(broker.uri(), "stale-publisher", true, false, 20)) {
            PahoPeer offline = PahoPeer.connect(broker.uri(), "stale-session", false);
            offline.subscribe("stale/#", 1);
            offline.client.disconnect().waitForCompletion(10_000);
            offline.client.close();
            for (int i = 0; i < 1_000; i++) {
                publishWaiting(publisher.client, "stale/" + i, payload(i));
            }
            // held while the stale queue is above the mark, then released after the stall time (5 s)
            await().atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> publisher.client.getPendingDeliveryTokens().length == 0);
            FlowControl flow = broker.component.flowControl();
            assertNotNull(flow);
            assertTrue(flow.heldTotal() > 0, "held first");
            assertTrue(flow.stallReleases() > 0, "then released for the stalled queue");
            assertEquals(800, broker.service().status().messagesDropped(), "the queue limit discards, counted");
        }
    }

    private record Outcome(long dropped, long distinct, long held) {}

    /**
     * A persistent subscriber with a queue of 300 that reads nothing until the publisher has been held (or has
     * sent everything), then reads all; the publisher sends {@link #MESSAGES} QoS 1 messages as fast as its
     * in-flight window allows. Flow control holds publishes once the queue is over its mark; what publishers
     * already have in flight still arrives, so the per-client queue needs headroom for it (300 messages here
     * against a mark of 16 KB, about 120 of these messages).
     */
    private static Outcome burstToASubscriberThatStartsLate(Map<String, Object> flow) throws Exception {
        Map<String, Object> config = new java.util.HashMap<>(flow);
        config.put("maxQueuedMessages", 300L);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (RunningBroker broker = RunningBroker.start(config);
                SlowSubscriber subscriber = new SlowSubscriber(broker.uri());
                // a publisher as devices are: a small in-flight window (20, mosquitto_pub's default)
                PahoPeer device = PahoPeer.connect(broker.uri(), "burst-publisher", true, false, 20)) {
            MqttAsyncClient publisher = device.client;
            CountDownLatch sent = new CountDownLatch(1);
            Future<?> publishing = pool.submit(() -> {
                for (int i = 0; i < MESSAGES; i++) {
                    publishWaiting(publisher, "burst/" + i, payload(i));
                }
                sent.countDown();
                return null;
            });
            FlowControl control = broker.component.flowControl();
            // the subscriber reads nothing until the broker held the publisher back, or everything was sent
            await().atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> sent.getCount() == 0 || (control != null && control.holding() > 0));
            subscriber.startReading();
            publishing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            await().atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> publisher.getPendingDeliveryTokens().length == 0);
            long dropped = broker.service().status().messagesDropped();
            await().atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> subscriber.distinct.size() >= MESSAGES - dropped);
            return new Outcome(dropped, subscriber.distinct.size(), control == null ? 0 : control.heldTotal());
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] payload(int i) {
        return ("{\"value\":" + i + ",\"pad\":\"" + PAYLOAD_PAD + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes QoS 1, waiting while Paho's in-flight window is full (the broker holding PUBACKs back). */
    private static void publishWaiting(MqttAsyncClient client, String topic, byte[] payload) throws MqttException {
        PahoPeer.publish(client, topic, payload, 1, false, DEADLINE.toMillis());
    }

    /** A persistent-session subscriber with manual acks that acknowledges nothing until told to read. */
    private static final class SlowSubscriber implements AutoCloseable {
        final Set<String> distinct = ConcurrentHashMap.newKeySet();
        private final MqttAsyncClient client;
        private final BlockingQueue<int[]> unacked = new LinkedBlockingQueue<>();
        private final ExecutorService acker = Executors.newSingleThreadExecutor();
        private final CountDownLatch reading = new CountDownLatch(1);

        SlowSubscriber(String uri) throws MqttException {
            client = new MqttAsyncClient(uri, "slow-subscriber", new MemoryPersistence());
            client.setManualAcks(true);
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    // the test fails on its counts
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    distinct.add(topic);
                    unacked.add(new int[] {message.getId(), message.getQos()});
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                    // subscriber only
                }
            });
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            options.setAutomaticReconnect(false);
            client.connect(options).waitForCompletion(10_000);
            client.subscribe("burst/#", 1).waitForCompletion(10_000);
            acker.submit(this::ackWhenReading);
        }

        void startReading() {
            reading.countDown();
        }

        private Void ackWhenReading() throws Exception {
            // until then what arrives stays unacknowledged in the broker's in-flight window, the rest queues
            reading.await();
            while (!Thread.currentThread().isInterrupted()) {
                int[] m = unacked.poll(20, TimeUnit.MILLISECONDS);
                if (m != null) {
                    client.messageArrivedComplete(m[0], m[1]);
                }
            }
            return null;
        }

        @Override
        public void close() throws MqttException {
            acker.shutdownNow();
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(10_000);
                }
            } finally {
                client.close();
            }
        }
    }
}
