package io.edgeai.gateway.tools;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Waits for a starting gateway: connects as soon as the broker accepts, publishes a reading every
 * 100 ms, and prints the epoch millisecond at which the first result arrived. Exits 1 after the
 * deadline. Used by {@code tools/measure-boot}.
 *
 * <pre>FirstResult [BROKER_URI] [TIMEOUT_SECONDS]</pre>
 */
public final class FirstResult {
    private FirstResult() {}

    /**
     * @param args broker URI and timeout
     * @throws Exception on unexpected errors
     */
    public static void main(String[] args) throws Exception {
        String broker = args.length > 0 ? args[0] : "tcp://127.0.0.1:1883";
        long timeoutMillis = TimeUnit.SECONDS.toMillis(args.length > 1 ? Long.parseLong(args[1]) : 60);
        long deadline = System.currentTimeMillis() + timeoutMillis;
        CountDownLatch first = new CountDownLatch(1);
        long[] at = new long[1];
        MqttClient client = new MqttClient(broker, "edgeai-first-result", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setConnectionTimeout(2);
        while (!client.isConnected()) {
            try {
                client.connect(o);
            } catch (MqttException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    System.err.println("broker " + broker + " not reachable: " + notYet.getMessage());
                    System.exit(1);
                }
                Thread.sleep(100);
            }
        }
        client.subscribe("edgeai/anomaly/probe/boot", 1, (t, m) -> {
            at[0] = System.currentTimeMillis();
            first.countDown();
        });
        boolean answered = false;
        while (!answered && System.currentTimeMillis() < deadline) {
            client.publish("sensors/probe/boot", "1".getBytes(StandardCharsets.UTF_8), 1, false);
            answered = first.await(100, TimeUnit.MILLISECONDS);
        }
        client.disconnect();
        client.close();
        if (first.getCount() > 0) {
            System.err.println("no result within " + timeoutMillis + " ms");
            System.exit(1);
        }
        System.out.println(at[0]);
    }
}
