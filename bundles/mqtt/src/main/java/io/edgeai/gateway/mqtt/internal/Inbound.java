package io.edgeai.gateway.mqtt.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.Acknowledgement;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.MessageHandler;

/**
 * The inbound side of a {@link PahoConnection}: its subscriptions, the hand-over of each message on Paho's
 * callback thread (copy, hand to the matching handlers, return), the manual acknowledgement of QoS 1/2
 * messages, and the messages a persistent session delivers before anyone subscribed to them.
 */
final class Inbound {
    private static final Logger LOG = LoggerFactory.getLogger(Inbound.class);

    /** A subscription: its QoS, handler and whether its consumer acknowledges each message itself. */
    record Subscription(int qos, MessageHandler handler, boolean manualAck) {}

    /** Most unclaimed QoS 1/2 messages kept for a subscription that is not made yet (after a restart). */
    private static final int MAX_UNCLAIMED = 10_000;

    private final String name;
    /** The connection's current client: acknowledgements go to the client a message came with, if still current. */
    private final Supplier<MqttAsyncClient> client;

    private final BooleanSupplier running;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** QoS 1/2 messages that arrived (from the persistent session) before anyone subscribed to them. */
    private final List<InboundMessage> unclaimed = new ArrayList<>();

    private final AtomicLong unacknowledged = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    /** Held while a message is handed to subscribers, and while a new subscription takes its kept messages. */
    private final ReentrantLock dispatch = new ReentrantLock();

    /**
     * @param name the connection's name, for the log
     * @param client the connection's current client
     * @param running whether the connection is still open
     */
    Inbound(String name, Supplier<MqttAsyncClient> client, BooleanSupplier running) {
        this.name = name;
        this.client = client;
        this.running = running;
    }

    /** Records a subscription and hands it the messages kept for it, before any newer one. */
    void add(String filter, int qos, MessageHandler handler, boolean manualAck) {
        MqttTopic.validate(filter, true);
        dispatch.lock();
        try {
            subscriptions.put(filter, new Subscription(qos, handler, manualAck));
            claim(filter, handler, manualAck);
        } finally {
            dispatch.unlock();
        }
    }

    /** @return whether there was such a subscription */
    boolean remove(String filter) {
        return subscriptions.remove(filter) != null;
    }

    /** @return the subscriptions now, by filter */
    Map<String, Subscription> subscriptions() {
        return Map.copyOf(subscriptions);
    }

    /**
     * Subscribes a new session of the client to every filter held, in one SUBSCRIBE.
     *
     * @param c the client, just connected
     * @param timeoutMillis how long to wait for the SUBACK
     * @throws MqttException when the broker refuses or does not answer
     */
    void resubscribe(MqttAsyncClient c, long timeoutMillis) throws MqttException {
        Map<String, Subscription> now = subscriptions();
        LOG.debug("{}: resubscribe {}", name, now.keySet());
        if (now.isEmpty()) {
            return;
        }
        String[] filters = now.keySet().toArray(new String[0]);
        int[] qos = new int[filters.length];
        for (int i = 0; i < filters.length; i++) {
            qos[i] = now.get(filters[i]).qos();
        }
        c.subscribe(filters, qos).waitForCompletion(timeoutMillis);
    }

    /** @return messages taken from the broker */
    long received() {
        return received.get();
    }

    /** @return QoS 1/2 messages handed over and not yet acknowledged */
    long unacknowledged() {
        return unacknowledged.get();
    }

    /** Hands over the messages that arrived for this filter before it was subscribed. */
    private void claim(String filter, MessageHandler handler, boolean manualAck) {
        List<InboundMessage> mine = new ArrayList<>();
        synchronized (unclaimed) {
            for (Iterator<InboundMessage> it = unclaimed.iterator(); it.hasNext(); ) {
                InboundMessage m = it.next();
                if (matches(filter, m.topic())) {
                    mine.add(m);
                    it.remove();
                }
            }
            unclaimed.notifyAll();
        }
        for (InboundMessage m : mine) {
            handler.onMessage(m);
            if (!manualAck) {
                m.acknowledge();
            }
        }
    }

    /**
     * Hands a message to the matching handlers; runs on Paho's callback thread and never throws (a handler's
     * failure costs only its own message).
     */
    void arrived(String topic, MqttMessage message) {
        Acknowledgement ack = Acknowledgement.NONE;
        try {
            received.incrementAndGet();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                dispatch.lock();
                try {
                    List<Subscription> targets = new ArrayList<>(1);
                    for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
                        if (matches(e.getKey(), topic)) {
                            targets.add(e.getValue());
                        }
                    }
                    boolean keep = targets.isEmpty() && message.getQos() > 0;
                    if (keep && unclaimedFull()) {
                        ack = Acknowledgement.NONE;
                    } else {
                        int manual = (int)
                                targets.stream().filter(Subscription::manualAck).count();
                        ack = message.getQos() == 0
                                ? Acknowledgement.NONE
                                : new InboundAck(
                                        client.get(),
                                        message.getId(),
                                        message.getQos(),
                                        keep ? 1 : Math.max(1, manual));
                        InboundMessage in = new InboundMessage(
                                name,
                                topic,
                                message.getPayload().clone(),
                                message.getQos(),
                                System.nanoTime(),
                                message.isDuplicate(),
                                ack);
                        if (keep) {
                            synchronized (unclaimed) {
                                unclaimed.add(in);
                            }
                            return;
                        }
                        for (Subscription s : targets) {
                            s.handler().onMessage(in);
                        }
                        if (manual == 0) {
                            ack.acknowledge();
                        }
                        return;
                    }
                } finally {
                    dispatch.unlock();
                }
                // many kept and nobody subscribed yet: wait (the broker holds the rest) for a subscription
                if (!running.getAsBoolean() || System.nanoTime() > deadline) {
                    LOG.warn(
                            "{}: no subscription for {} and {} unclaimed messages held; left unacknowledged until the "
                                    + "next connection",
                            name,
                            topic,
                            MAX_UNCLAIMED);
                    return;
                }
                synchronized (unclaimed) {
                    unclaimed.wait(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (VirtualMachineError e) {
            // out of memory and the like: not contained here (Paho drops the connection; the pipelines' fatal
            // handling ends the JVM with a line in karaf.log)
            throw e;
        } catch (RuntimeException | Error e) {
            // any other failure of a handler (a linkage error after a bundle update, an assertion) is contained:
            // the message is skipped and acknowledged, the connection and the other subscriptions go on
            LOG.error("Handler failed for a message on {}; message skipped", topic, e);
            ack.acknowledge();
        }
    }

    /**
     * Whether the messages kept for subscriptions not made yet reached their bound. The persistent session
     * delivers as soon as the connection is up, before the pipelines subscribed; they are kept until a
     * subscription claims them, and beyond the bound the callback thread waits (up to a minute; then the
     * message stays unacknowledged and comes again with the next connection).
     */
    private boolean unclaimedFull() {
        synchronized (unclaimed) {
            return unclaimed.size() >= MAX_UNCLAIMED;
        }
    }

    /**
     * Acknowledges one QoS 1/2 message once all its manual-ack consumers did, on the client it arrived
     * with: after a reconnect the message id belongs to the new session and the broker redelivers anyway.
     */
    private final class InboundAck implements Acknowledgement {
        private final MqttAsyncClient receivedBy;
        private final int id;
        private final int qos;
        private final AtomicInteger owed;

        InboundAck(MqttAsyncClient receivedBy, int id, int qos, int owed) {
            this.receivedBy = receivedBy;
            this.id = id;
            this.qos = qos;
            this.owed = new AtomicInteger(owed);
            unacknowledged.incrementAndGet();
        }

        @Override
        public void acknowledge() {
            if (owed.decrementAndGet() != 0) {
                return;
            }
            unacknowledged.decrementAndGet();
            if (receivedBy != client.get() || !receivedBy.isConnected()) {
                return;
            }
            try {
                receivedBy.messageArrivedComplete(id, qos);
            } catch (MqttException | RuntimeException e) {
                LOG.debug(
                        "{}: acknowledging message {} failed ({}); the broker delivers it again",
                        name,
                        id,
                        e.getMessage());
            }
        }
    }

    static boolean matches(String filter, String topic) {
        String f = filter;
        if (f.startsWith("$share/")) {
            int slash = f.indexOf('/', 7);
            f = slash < 0 ? f : f.substring(slash + 1);
        }
        try {
            return MqttTopic.isMatched(f, topic);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
