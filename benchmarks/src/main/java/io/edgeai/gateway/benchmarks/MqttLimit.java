package io.edgeai.gateway.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;

/**
 * The raw MQTT limit: one Paho publisher, the broker, one Paho subscriber, on loopback, with the readings the
 * gateway gets. Messages received per second from the first publish to the last arrival.
 */
final class MqttLimit {
    private MqttLimit() {
    }

    /** One measurement. */
    record Rate(long sent, long received, double msgsPerS) {
    }

    /**
     * @param uri broker
     * @param qos publish and subscription QoS
     * @param messages how many
     * @return the rate
     * @throws Exception when a client fails
     */
    static Rate measure(String uri, int qos, int messages) throws Exception {
        Readings readings = new Readings(100);
        byte[][] payloads = new byte[1000][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = readings.nextPayload(i % 100);
        }
        MqttAsyncClient sub = null;
        MqttAsyncClient pub = null;
        try {
            sub = Mqtt.connect(uri, "bench-raw-sub");
            Mqtt.Arrivals arrivals = new Mqtt.Arrivals();
            Mqtt.subscribe(sub, "bench/raw/+/+", qos, arrivals);
            pub = Mqtt.connect(uri, "bench-raw-pub");
            long t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                Mqtt.publish(pub, "bench/raw/dev-" + (i % 100) + "/temperature", payloads[i % payloads.length], qos);
            }
            long got = arrivals.await(messages, 3000, 120_000);
            double secs = (arrivals.lastNanos - t0) / 1e9;
            return new Rate(messages, got, got == 0 ? 0 : got / secs);
        } finally {
            Mqtt.close(pub);
            Mqtt.close(sub);
        }
    }

    /** The gateway's embedded broker (Moquette 0.17) in this JVM, with the settings the gateway gives it. */
    static final class Moquette implements AutoCloseable {
        private final Server server = new Server();
        private final int port;

        Moquette(int port, Path dataDir) throws Exception {
            this.port = port;
            Files.createDirectories(dataDir);
            Properties props = new Properties();
            props.setProperty("host", "127.0.0.1");
            props.setProperty("port", Integer.toString(port));
            props.setProperty("allow_anonymous", "true");
            props.setProperty("persistence_enabled", "false");
            props.setProperty("data_path", dataDir.toString());
            props.setProperty("netty.mqtt.message_size", Integer.toString(16 * 1024 * 1024));
            props.setProperty("telemetry_enabled", "false");
            server.startServer(new MemoryConfig(props));
        }

        String uri() {
            return "tcp://127.0.0.1:" + port;
        }

        @Override
        public void close() {
            server.stopServer();
        }
    }
}
