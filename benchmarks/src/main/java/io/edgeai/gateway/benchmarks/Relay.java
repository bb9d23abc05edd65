package io.edgeai.gateway.benchmarks;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;

/**
 * The MQTT relay: the least work any process that answers each reading over MQTT can do. In its own JVM, one
 * Paho client subscribes {@code sensors/+/+} at QoS 0 and republishes each payload unchanged to
 * {@code edgeai/anomaly/<device>/<quantity>} at QoS 0 from Paho's callback thread (no decode, no window, no
 * model, no hand-over). With the same load generator and broker as the gateway and the Node.js peer, its rate
 * is the ceiling for an MQTT-in/MQTT-out job on this machine: every reading crosses the broker twice and the
 * load generator, the broker and the job share the same cores.
 */
final class Relay implements AutoCloseable {
    private final Process process;

    /** @return the relay's process id, for its CPU time */
    long pid() {
        return process.pid();
    }

    private Relay(Process process) {
        this.process = process;
    }

    /**
     * Child-process entry point: {@code Relay <broker uri>}; prints "ready" once subscribed, exits when stdin
     * closes.
     *
     * @param args the broker URI
     */
    public static void main(String[] args) throws Exception {
        MqttAsyncClient c = Mqtt.connect(args[0], "edgeai-bench-relay");
        Mqtt.subscribe(c, "sensors/+/+", 0, (topic, payload) -> {
            int last = topic.lastIndexOf('/');
            int device = topic.lastIndexOf('/', last - 1);
            try {
                Mqtt.publish(c, "edgeai/anomaly" + topic.substring(device), payload, 0);
            } catch (Exception e) {
                System.err.println("relay publish failed: " + e);
            }
        });
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the harness closes stdin
        }
        Mqtt.close(c);
    }

    /**
     * Starts the relay in its own JVM (the harness's class path) and waits for its "ready" line.
     *
     * @param brokerUri the broker
     * @return the running relay
     */
    static Relay start(String brokerUri) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(
                        java,
                        "-Xmx128m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Relay.class.getName(),
                        brokerUri))
                .redirectErrorStream(true)
                .start();
        Relay relay = new Relay(p);
        try {
            ChildReady.await(p, "relay");
        } catch (Exception e) {
            relay.close();
            throw e;
        }
        return relay;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
