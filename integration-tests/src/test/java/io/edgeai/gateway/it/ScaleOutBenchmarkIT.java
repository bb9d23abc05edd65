package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assume.assumeTrue;

import io.edgeai.gateway.testing.GatewayProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.Test;

/**
 * Scale-out figures for docs/benchmarks.md, not a CI test (runs only with {@code -Dedgeai.bench.scale=true}):
 * text pipeline results per second with 3, 2 and 1 gateways sharing {@code $share/text/home/+/voice} on one
 * mosquitto (all boot together, then members are stopped one by one). Each step publishes a burst of QoS 1 inputs as fast as the publisher can and times until every
 * input has its result. All processes share one machine, so the figures show the mechanism, not the gain of
 * adding machines.
 */
public class ScaleOutBenchmarkIT {
    private static final int BURST = Integer.getInteger("edgeai.bench.scale.burst", 2000);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Test
    public void textResultsPerSecondWithOneTwoThreeGateways() throws Exception {
        assumeTrue("benchmark: -Dedgeai.bench.scale=true", Boolean.getBoolean("edgeai.bench.scale"));
        Set<String> results = ConcurrentHashMap.newKeySet();
        List<String> report = new ArrayList<>();
        try (GatewayGroup group = GatewayGroup.withBroker()) {
            for (int i = 1; i <= 3; i++) {
                GatewayProcess g = group.add(i, false);
                g.replaceInConfig("edgeai.pipeline.text-demo.cfg", "queueCapacity", "20000");
            }
            MqttClient sub = new MqttClient(group.broker.uri(), "bench-sub", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMaxInflight(1000);
            sub.connect(o);
            // the input's text is the result's top-level "text" (entities carry their own)
            sub.subscribe("edgeai/nlp/#", 1, (t, m) -> results.add(JSON.readTree(m.getPayload()).path("text").asText()));
            MqttAsyncClient pub = group.publisher("bench-pub");
            // all three boot side by side (as in ScaleOutIT), then the group shrinks: 3, 2, 1 members
            GatewayGroup.startAll(group.gateways);
            for (int n = 3; n >= 1; n--) {
                if (n < 3) {
                    group.gateways.get(n).stop(Duration.ofSeconds(60));
                }
                List<GatewayProcess> live = group.gateways.subList(0, n);
                String tag = "g" + n;
                long[] last = {0};
                int[] probes = {0};
                java.util.Map<GatewayProcess, Double> before = new java.util.HashMap<>();
                live.forEach(g -> before.put(g, published(g)));
                Poll.until(n + " members answering", Duration.ofSeconds(240), () -> {
                    if (System.nanoTime() - last[0] > 1_000_000_000L) {
                        last[0] = System.nanoTime();
                        for (int i = 0; i < 30; i++) {
                            GatewayGroup.publish(pub, "home/probe/voice", ("{\"text\":\"probe " + tag + " "
                                    + probes[0]++ + "\"}").getBytes(StandardCharsets.UTF_8));
                        }
                    }
                    return live.stream().allMatch(g -> published(g) > before.get(g)) ? true : null;
                });
                // a warm-up burst, then the measured one
                for (String phase : List.of("warm", "run")) {
                    results.clear();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < BURST; i++) {
                        GatewayGroup.publish(pub, "home/room" + (i % 10) + "/voice", ("{\"text\":\"turn on the lights "
                                + phase + tag + " " + i + "\"}").getBytes(StandardCharsets.UTF_8));
                    }
                    Poll.until(BURST + " results", Duration.ofSeconds(600), () -> results.stream()
                            .filter(r -> r.contains(phase + tag + " ")).count() >= BURST ? true : null);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    if (phase.equals("run")) {
                        String line = String.format("%d gateway(s): %d inputs in %.1f s = %.0f results/s", n, BURST,
                                seconds, BURST / seconds);
                        report.add(0, line);
                        System.out.println("scale-out benchmark: " + line);
                    }
                }
            }
            pub.disconnect().waitForCompletion(5000);
            pub.close();
            sub.disconnect();
            sub.close();
        }
        assertEquals(3, report.size());
        report.forEach(l -> System.out.println("scale-out benchmark: " + l));
    }

    private static double published(GatewayProcess g) {
        return GatewayGroup.metric(g, "edgeai_pipeline_messages_published_total{pipeline=\"text-demo\"}");
    }
}
