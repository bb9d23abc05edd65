package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.Pipeline;

/**
 * Control never waits behind data (shipped settings: commands and model status on the {@code control} lane,
 * the text pipeline on the {@code text} lane). An anomaly pipeline on the shipped connection is stalled with
 * its queue full under {@code hold-acks} (its output connection is missing, so nothing leaves its queue) while
 * the broker holds a backlog of its readings; meanwhile a signed remote rollback is executed and answered, and
 * text results come as fast as when idle. Once the stall ends every held reading is scored.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ControlLaneIT extends KarafTestSupport {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String GATEWAY = "lane-gw";
    private static final String CMD = "edgeai/" + GATEWAY + "/cmd/";
    private static final int READINGS = 2000;
    private static final int TEXTS = 15;

    private final Map<String, JsonNode> answers = new ConcurrentHashMap<>();
    private final BlockingQueue<JsonNode> texts = new LinkedBlockingQueue<>();
    private final AtomicLong heldResults = new AtomicLong();

    @Override
    protected Option[] extraOptions() {
        List<Option> options = new ArrayList<>(TestModels.options());
        options.addAll(Arrays.asList(SignedCommands.options(GATEWAY)));
        return options.toArray(new Option[0]);
    }

    @Test
    public void aRollbackAndTextPassAnAnomalyIntakeHeldWithABacklog() throws Exception {
        String shipped = Poll.until("shipped model serving", BOOT_TIMEOUT, () -> {
            String v = servingVersion();
            return v.isEmpty() ? null : v;
        });
        Bundle candidate = bundleContext.installBundle(
                "memory:nab-ae-lane", new ByteArrayInputStream(TestModels.version("nab-ae-lane", "7.7.0")));
        candidate.start();
        Poll.until("7.7.0 serving", TIMEOUT, () -> servingVersion().equals("7.7.0"));

        MqttClient client = embeddedBrokerClient("control-lane-it");
        try {
            client.subscribe(CMD + "+/response", 1, (topic, msg) -> {
                JsonNode a = MAPPER.readTree(msg.getPayload());
                answers.put(a.path("nonce").asText(), a);
            });
            client.subscribe(
                    "edgeai/nlp/home/lane/voice", 1, (topic, msg) -> texts.add(MAPPER.readTree(msg.getPayload())));
            client.subscribe("edgeai/held/#", 1, (topic, msg) -> {
                if (!topic.contains("/probe/")) {
                    heldResults.incrementAndGet();
                }
            });
            Poll.until("text pipeline answering", BOOT_TIMEOUT, () -> {
                client.publish("home/lane/voice", "{\"text\":\"warm-up\"}".getBytes(StandardCharsets.UTF_8), 1, false);
                return texts.poll(1, TimeUnit.SECONDS);
            });
            texts.clear();
            // the command subscription is made asynchronously too: a rollback of a model this gateway does not
            // have is answered (refused) once it listens
            Poll.until("commands answered", BOOT_TIMEOUT, () -> {
                Map<String, Object> probe = SignedCommands.command(GATEWAY, "rollback", "no-such-model", "", "");
                client.publish(CMD + "rollback", MAPPER.writeValueAsBytes(probe), 1, false);
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < until && !answers.containsKey(probe.get("nonce"))) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                return answers.get(probe.get("nonce"));
            });
            long idle = medianTextMillis(client, "idle");

            // an anomaly pipeline on the shipped connection whose queue cannot drain: its output is missing
            Configuration held = configurationAdmin.createFactoryConfiguration("edgeai.pipeline.anomaly", "?");
            held.update(pipeline("absent"));
            Pipeline stalled = Poll.until("pipeline held", TIMEOUT, () -> service(Pipeline.class, "(name=held)"));
            // the pipeline subscribes asynchronously: until it took a reading, what is sent before may find no
            // subscription; the first reading it takes stays in the worker unacknowledged
            Poll.until("the held pipeline took its first reading", TIMEOUT, () -> {
                client.publish("held/probe/temp", "{\"value\":1}".getBytes(StandardCharsets.UTF_8), 1, false);
                return stalled.status().received() > 0;
            });
            // the broker holds the rest back (the embedded broker sends a session no further QoS 1 message while
            // one is unacknowledged, mosquitto up to its in-flight window of 20, and the intake holds what passes
            // the one-reading queue)
            for (int i = 0; i < READINGS; i++) {
                client.publish(
                        "held/d" + (i % 20) + "/temp",
                        ("{\"value\":" + (20 + i % 7) + "}").getBytes(StandardCharsets.UTF_8),
                        1,
                        false);
            }

            long busy = medianTextMillis(client, "held");
            long sent = System.nanoTime();
            Map<String, Object> rollback = SignedCommands.command(GATEWAY, "rollback", "nab-ae", "", "");
            client.publish(CMD + "rollback", MAPPER.writeValueAsBytes(rollback), 1, false);
            JsonNode answer = Poll.until("answer to the rollback", TIMEOUT, () -> answers.get(rollback.get("nonce")));
            long answeredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertEquals(answer.toString(), "ok", answer.get("status").asText());
            assertEquals(shipped, servingVersion());
            // still held: what the rollback and the texts passed was waiting on the broker all along
            assertEquals("no held reading was scored yet", 0, heldResults.get());
            long taken = stalled.status().received();
            assertTrue("the broker held a backlog: " + taken + " taken", taken < READINGS);
            System.out.printf(
                    "ControlLaneIT: rollback answered in %d ms with the anomaly intake stalled (%d of %d "
                            + "readings taken, %d held); text median %d ms idle, %d ms while stalled%n",
                    answeredMillis, taken, READINGS, stalled.status().held(), idle, busy);
            // the issue's bound (2x idle), with 20 ms for a shared 2-core test box's scheduling
            assertTrue("text median " + busy + " ms while held vs " + idle + " ms idle", busy <= 2 * idle + 20);

            // the stall ends: every reading the broker held is scored, none lost
            held.update(pipeline(""));
            Poll.until("all held readings scored", Duration.ofSeconds(120), () -> heldResults.get() >= READINGS);
            held.delete();
            client.disconnect();
        } finally {
            if (client.isConnected()) {
                client.disconnectForcibly(1000);
            }
            client.close();
            candidate.uninstall();
        }
    }

    private static Dictionary<String, Object> pipeline(String outputConnection) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("name", "held");
        p.put("inputTopic", "held/+/+");
        p.put("outputTopicPrefix", "edgeai/held");
        p.put("alarmTopicPrefix", "edgeai/held-alarm");
        p.put("outputConnection", outputConnection);
        // one reading in the worker, one queued, the next held
        p.put("queueCapacity", 1);
        p.put("overflowPolicy", "hold-acks");
        return p;
    }

    /** Sends {@value #TEXTS} texts one after the other; the median time from publish to result. */
    private long medianTextMillis(MqttClient client, String phase) throws Exception {
        long[] millis = new long[TEXTS];
        for (int i = 0; i < TEXTS; i++) {
            String text = "turn on the lights " + phase + " " + i;
            long start = System.nanoTime();
            client.publish(
                    "home/lane/voice",
                    MAPPER.createObjectNode().put("text", text).toString().getBytes(StandardCharsets.UTF_8),
                    1,
                    false);
            JsonNode r;
            do {
                r = texts.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull("no text result for '" + text + "' (" + phase + ")", r);
            } while (!r.path("text").asText().equals(text));
            millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        Arrays.sort(millis);
        return millis[TEXTS / 2];
    }

    private String servingVersion() {
        try {
            Collection<ServiceReference<ModelRunner>> refs = bundleContext.getServiceReferences(
                    ModelRunner.class, "(&(edgeai.model.name=nab-ae)(edgeai.model.serving=true))");
            return refs.stream()
                    .max(java.util.Comparator.naturalOrder())
                    .map(ref -> String.valueOf(ref.getProperty("edgeai.model.version")))
                    .orElse("");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
