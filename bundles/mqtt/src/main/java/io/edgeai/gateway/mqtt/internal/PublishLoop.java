package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.ConnectionState;

/**
 * A connection's publisher thread: reads back what the {@link PublishStore} holds, then takes its messages in
 * order and hands them to Paho, waiting while disconnected or while Paho's in-flight window is full; a message
 * leaves the store only when the broker acknowledged it (QoS 1/2) or it was handed to the network (QoS 0).
 */
final class PublishLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PahoConnection.class);

    private final PublishStore store;
    private final Supplier<MqttAsyncClient> client;
    private final LinkState link;
    private final BooleanSupplier running;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param store the connection's store
     * @param client the connection's current client
     * @param link the connection's state
     * @param running whether the connection is still open
     */
    PublishLoop(PublishStore store, Supplier<MqttAsyncClient> client, LinkState link, BooleanSupplier running) {
        this.store = store;
        this.client = client;
        this.link = link;
        this.running = running;
    }

    /** @return messages handed over (QoS 0) or acknowledged by the broker */
    long published() {
        return published.get();
    }

    /** @return messages that could not be sent at all (counted, logged) */
    long dropped() {
        return dropped.get();
    }

    @Override
    public void run() {
        // here, not in the constructor: reading back up to storeMaxMegabytes must not hold up activation
        store.recover();
        StoredMessage pending = null;
        while (running.getAsBoolean()) {
            try {
                if (link.state() != ConnectionState.CONNECTED) {
                    link.await(200);
                    continue;
                }
                if (pending != null && !store.inFlight(pending)) {
                    pending = null; // requeued by a reconnect: it goes out again from its queue, in order
                }
                if (pending == null) {
                    pending = store.take(500);
                    if (pending == null) {
                        continue;
                    }
                }
                StoredMessage e = pending;
                MqttAsyncClient c = client.get();
                if (e.qos == 0) {
                    c.publish(e.topic, store.payload(e), 0, e.retained);
                    store.done(e);
                    published.incrementAndGet();
                } else {
                    c.publish(e.topic, store.payload(e), e.qos, e.retained, null, new IMqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            store.done(e);
                            published.incrementAndGet();
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable failure) {
                            // connection lost: requeued by connectionLost / the next connect
                        }
                    });
                }
                pending = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (MqttException e) {
                // REASON_CODE_MAX_INFLIGHT: Paho's window is full; the message stays in hand and is retried
                link.await(e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT ? 1 : 100);
                if (!store.inFlight(pending)) { // (only a publish throws this: a message is in hand)
                    pending = null; // requeued meanwhile by a reconnect
                }
            } catch (IOException | RuntimeException e) {
                if (pending == null) {
                    // failed before a message was in hand (taking the next one): nothing to drop; before, the
                    // log line below threw a NullPointerException that ended this sender thread
                    LOG.warn("Publish loop could not take the next message: {}", e.toString());
                    link.await(100);
                    continue;
                }
                LOG.warn("Dropping a message to {} that cannot be sent: {}", pending.topic, e.toString());
                dropped.incrementAndGet();
                store.done(pending);
                pending = null;
            }
        }
    }
}
