package io.edgeai.gateway.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Paho clients for the load generator: asynchronous, in-flight window 1000, retry when the window is full,
 * and TCP_NODELAY like the gateway's own connections (with Nagle on, a paced client's small publish can
 * wait for the broker's delayed ACK: the echo round trip measured 20 ms instead of 0.4 ms in one run).
 */
final class Mqtt {
    private Mqtt() {}

    /**
     * @param uri broker URI
     * @param clientId client id
     * @return a connected client (clean session, no reconnect)
     * @throws MqttException when it cannot connect
     */
    static MqttAsyncClient connect(String uri, String clientId) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(1000);
        o.setKeepAliveInterval(60);
        o.setConnectionTimeout(10);
        o.setSocketFactory(new NoDelaySockets());
        c.connect(o).waitForCompletion(15_000);
        return c;
    }

    /**
     * Publishes, waiting (bounded, 30 s) while Paho's in-flight window (or its message ids) is full.
     *
     * @param c the client
     * @param topic topic
     * @param payload payload
     * @param qos 0 or 1
     * @throws MqttException on any other failure or when the window stays full
     */
    static void publish(MqttAsyncClient c, String topic, byte[] payload, int qos) throws MqttException {
        long deadline = 0;
        while (true) {
            try {
                c.publish(topic, payload, qos, false);
                return;
            } catch (MqttException e) {
                // a full in-flight window, or (QoS 1 against a slow broker) every message id still in use
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT
                        && e.getReasonCode() != MqttException.REASON_CODE_NO_MESSAGE_IDS_AVAILABLE) {
                    throw e;
                }
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + TimeUnit.SECONDS.toNanos(30);
                } else if (now > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(20_000);
            }
        }
    }

    /**
     * Subscribes a consumer that runs on Paho's callback thread (keep it short: count, copy, offer).
     *
     * @param c the client
     * @param filter topic filter
     * @param qos subscription QoS
     * @param onMessage topic and payload
     * @throws MqttException when the subscription fails
     */
    static void subscribe(MqttAsyncClient c, String filter, int qos, BiConsumer<String, byte[]> onMessage)
            throws MqttException {
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                System.err.println("benchmark client " + c.getClientId() + " lost its connection: " + cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onMessage.accept(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // nothing to do
            }
        });
        c.subscribe(filter, qos).waitForCompletion(15_000);
    }

    /** Closes a client, ignoring failures (benchmark teardown). */
    static void close(MqttAsyncClient c) {
        if (c == null) {
            return;
        }
        try {
            if (c.isConnected()) {
                c.disconnect(2000).waitForCompletion(3000);
            }
        } catch (MqttException ignored) {
            // closing anyway
        }
        try {
            c.close(true);
        } catch (MqttException ignored) {
            // closing anyway
        }
    }

    /** Counts messages and remembers when the last arrived. */
    static final class Arrivals implements BiConsumer<String, byte[]> {
        final AtomicLong count = new AtomicLong();
        volatile long lastNanos;

        @Override
        public void accept(String topic, byte[] payload) {
            count.incrementAndGet();
            lastNanos = System.nanoTime();
        }

        /** Resets the counter for the next phase. */
        void reset() {
            count.set(0);
            lastNanos = 0;
        }

        /**
         * Waits until {@code expected} arrived, or nothing arrived for {@code quietMillis}, or the deadline.
         *
         * @return the count then
         */
        long await(long expected, long quietMillis, long maxMillis) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
            long seen = -1;
            long seenAt = System.nanoTime();
            while (System.nanoTime() < end) {
                long n = count.get();
                if (n >= expected) {
                    return n;
                }
                if (n != seen) {
                    seen = n;
                    seenAt = System.nanoTime();
                } else if (System.nanoTime() - seenAt > TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
                    return n;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            return count.get();
        }
    }

    /** The JDK's plain sockets with Nagle's algorithm off. */
    private static final class NoDelaySockets extends javax.net.SocketFactory {
        private static java.net.Socket noDelay(java.net.Socket s) throws java.io.IOException {
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public java.net.Socket createSocket() throws java.io.IOException {
            return noDelay(new java.net.Socket());
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
            return noDelay(new java.net.Socket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort)
                throws java.io.IOException {
            return noDelay(new java.net.Socket(host, port, local, localPort));
        }

        @Override
        public java.net.Socket createSocket(java.net.InetAddress host, int port) throws java.io.IOException {
            return noDelay(new java.net.Socket(host, port));
        }

        @Override
        public java.net.Socket createSocket(
                java.net.InetAddress host, int port, java.net.InetAddress local, int localPort)
                throws java.io.IOException {
            return noDelay(new java.net.Socket(host, port, local, localPort));
        }
    }
}
