package io.edgeai.gateway.tools;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Plays a {@code timestamp,value} CSV (e.g. a NAB series) to a topic as the demo pipeline's JSON
 * readings, at a fixed rate. A device simulator for demos and load.
 *
 * <pre>PublishCsv FILE [--broker tcp://127.0.0.1:1883] [--topic sensors/machine-1/temperature] [--rate 200]
 *            [--limit N] [--qos 1]</pre>
 */
public final class PublishCsv {
    private PublishCsv() {}

    /**
     * @param args see the class comment
     * @throws Exception on I/O or broker errors
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println(
                    "usage: publish-csv FILE [--broker URI] [--topic T] [--rate MSG_PER_S] [--limit N] [--qos Q]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        if (!Files.isReadable(file)) {
            // paths are relative to where it runs: the README's sample is in the repository
            System.err.println("publish-csv: cannot read " + file.toAbsolutePath() + " (the README's sample series is "
                    + "integration-tests/src/test/resources/nab/machine_temperature_system_failure.csv)");
            System.exit(2);
        }
        String broker = "tcp://127.0.0.1:1883";
        String topic = "sensors/machine-1/temperature";
        double rate = 200;
        long limit = Long.MAX_VALUE;
        int qos = 1;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--broker" -> broker = args[i + 1];
                case "--topic" -> topic = args[i + 1];
                case "--rate" -> rate = Double.parseDouble(args[i + 1]);
                case "--limit" -> limit = Long.parseLong(args[i + 1]);
                case "--qos" -> qos = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        MqttAsyncClient client = new MqttAsyncClient(
                broker, "edgeai-publish-csv-" + ProcessHandle.current().pid(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMaxInflight(1000);
        client.connect(o).waitForCompletion(10_000);
        long interval = (long) (1e9 / rate);
        long next = System.nanoTime();
        long sent = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new IllegalArgumentException(file + " is empty");
            }
            String line;
            while ((line = in.readLine()) != null && sent < limit) {
                int comma = line.indexOf(',');
                if (comma < 0) {
                    continue;
                }
                String ts = line.substring(0, comma).trim().replace(' ', 'T');
                String value = line.substring(comma + 1).trim();
                byte[] payload = ("{\"ts\":\"" + ts + "\",\"value\":" + value + "}").getBytes(StandardCharsets.UTF_8);
                publish(client, topic, payload, qos);
                sent++;
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
        client.disconnect().waitForCompletion(10_000);
        client.close();
        System.out.println("published " + sent + " readings to " + topic);
    }

    private static void publish(MqttAsyncClient client, String topic, byte[] payload, int qos) throws MqttException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                client.publish(topic, payload, qos, false);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }
}
