package io.edgeai.gateway.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import io.edgeai.gateway.testing.GatewayProcess;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * A gateway group for process-level scale-out tests: one mosquitto on a free loopback port and gateways
 * {@code gw-1 .. gw-n} (each the packaged distribution as its own process, own client id and state) in group
 * {@code site}: the text pipeline subscribes through {@code $share/text/...}, the anomaly pipeline has key
 * affinity, group commands are signed with a key made for the run. Keep-alive is 3 s, so a killed member's last
 * will reaches the others about 4.5 s after its death.
 */
final class GatewayGroup implements AutoCloseable {
    static final String GROUP = "site";
    static final int CANARY_SOAK_SECONDS = 45;
    private final Path dir;
    final Mosquitto broker;
    final List<GatewayProcess> gateways = new ArrayList<>();
    final KeyPair commandKey;

    private GatewayGroup(Path dir, Mosquitto broker, KeyPair commandKey) {
        this.dir = dir;
        this.broker = broker;
        this.commandKey = commandKey;
    }

    static GatewayGroup withBroker() throws Exception {
        return new GatewayGroup(
                Files.createTempDirectory("gateway-group"),
                Mosquitto.startOnFreePort(),
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    }

    /** Unpacks and configures gateway {@code gw-<index>} (not started). */
    GatewayProcess add(int index, boolean anomaly) throws IOException {
        String id = "gw-" + index;
        GatewayProcess g = GatewayProcess.unpack(Path.of(System.getProperty("edgeai.distribution")), dir.resolve(id));
        gateways.add(g);
        g.connectTo(broker.uri(), id);
        g.replaceInConfig("edgeai.mqtt.connection-local.cfg", "keepAliveSeconds", "3");
        g.replaceInConfig("edgeai.mqtt.connection-local.cfg", "group", GROUP);
        g.replaceInConfig("edgeai.pipeline.text-demo.cfg", "shareGroup", "text");
        // (shipped configuration files stay: the boot feature would install a missing one from a mvn: URL,
        // before that protocol is up)
        if (anomaly) {
            g.replaceInConfig("edgeai.pipeline.anomaly-demo.cfg", "keyAffinity", "true");
        }
        g.replaceInConfig("edgeai.lifecycle.cfg", "gatewayId", id);
        g.replaceInConfig(
                "edgeai.lifecycle.cfg",
                "commandKeys",
                Base64.getEncoder().encodeToString(commandKey.getPublic().getEncoded()));
        // a canary's soak: the default 200 compared readings, at most 45 s (a starved canary's test waits that long)
        g.replaceInConfig("edgeai.lifecycle.cfg", "canarySoakSeconds", String.valueOf(CANARY_SOAK_SECONDS));
        return g;
    }

    /** Starts the given gateways side by side and waits until each is live. */
    static void startAll(List<GatewayProcess> gs) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(gs.size());
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (GatewayProcess g : gs) {
                fs.add(ex.submit(() -> {
                    startWithOneRetry(g);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            ex.shutdownNow();
        }
    }

    /**
     * Starts a gateway; when it is not live within 150 s, kills it and starts it once more. On a loaded
     * machine Karaf's boot-feature installation now and then refreshes the URL handler bundle while it reads
     * a feature's configuration file ("Unknown protocol: mvn") and the boot stops there; a second start
     * installs the boot features again.
     */
    static void startWithOneRetry(GatewayProcess g) throws IOException {
        try {
            g.start(Duration.ofSeconds(150));
        } catch (IOException first) {
            System.out.println("gateway in " + g.home() + " not live ("
                    + first.getMessage().lines().findFirst().orElse("") + "); starting it once more");
            g.kill();
            g.start(Duration.ofSeconds(150));
        }
    }

    /** An async client for bulk QoS 1 publishing (in-flight window 1000). */
    MqttAsyncClient publisher(String clientId) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(broker.uri(), clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMaxInflight(1000);
        o.setAutomaticReconnect(false);
        c.connect(o).waitForCompletion(10_000);
        return c;
    }

    /** Publishes at QoS 1, waiting while Paho's in-flight window is full (bounded). */
    static IMqttDeliveryToken publish(MqttAsyncClient c, String topic, byte[] payload) throws MqttException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return c.publish(topic, payload, 1, false);
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
    }

    /** @return a group command signed with the run's command key, as tools/sign-model sign-command does */
    Map<String, Object> command(String command, String artifact, String sha256) throws Exception {
        Map<String, Object> c = new LinkedHashMap<>();
        String gateway = "group:" + GROUP;
        c.put("command", command);
        c.put("gateway", gateway);
        c.put("model", "");
        c.put("artifact", artifact);
        c.put("sha256", sha256);
        c.put("responseTopic", "");
        c.put("nonce", UUID.randomUUID().toString());
        c.put("ts", System.currentTimeMillis());
        String text = "edgeai-command-v1\n" + "gateway=" + gateway + "\n" + "command=" + command + "\n" + "model=\n"
                + "artifact=" + artifact + "\n" + "sha256=" + sha256 + "\n" + "responseTopic=\n" + "nonce="
                + c.get("nonce") + "\n" + "ts=" + c.get("ts") + "\n";
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(commandKey.getPrivate());
        s.update(text.getBytes(StandardCharsets.UTF_8));
        c.put("key", sha256(commandKey.getPublic().getEncoded()).substring(0, 16));
        c.put("signature", Base64.getEncoder().encodeToString(s.sign()));
        return c;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    Path dir() {
        return dir;
    }

    /** @return the value of a Prometheus series on a gateway's /metrics, 0 when absent */
    static double metric(GatewayProcess g, String series) {
        try {
            Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                    .matcher(g.httpGet("/metrics"));
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        } catch (IOException down) {
            return 0;
        }
    }

    @Override
    public void close() {
        gateways.forEach(GatewayProcess::close);
        broker.close();
        if (!Boolean.getBoolean("edgeai.it.keep")) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (IOException leftBehind) {
                // a temporary directory
            }
        }
    }
}
