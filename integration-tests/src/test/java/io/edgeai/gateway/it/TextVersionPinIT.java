package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.Pipeline;

/**
 * A text pipeline pinned to an encoder version in its configuration ({@code encoderVersionRange}): with a higher
 * version of the shipped encoder installed and serving, the pinned pipeline keeps answering with the version
 * inside its range (the registry keeps it loaded) while the demo pipeline uses the new one; removing the range
 * moves it to the serving version; a range that is not one is refused naming the property and the pipeline goes
 * on with what it had.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TextVersionPinIT extends KarafTestSupport {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ENCODER = "all-minilm-l6-v2-q";
    private final BlockingQueue<JsonNode> pinned = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonNode> demo = new LinkedBlockingQueue<>();

    @Override
    protected Option[] extraOptions() {
        List<Option> options = new ArrayList<>(TestModels.options());
        options.add(systemProperty("edgeai.encoder.jar").value(System.getProperty("edgeai.encoder.jar")));
        return options.toArray(new Option[0]);
    }

    /** Sends texts until one comes back answered by the encoder version wanted; returns the model it names. */
    private String answeredBy(MqttClient client, String topic, BlockingQueue<JsonNode> results, String model)
            throws Exception {
        return Poll.until(topic + " answered by " + model, Duration.ofSeconds(60), () -> {
            results.clear();
            client.publish(topic, "{\"text\":\"turn on the lights\"}".getBytes(StandardCharsets.UTF_8), 1, false);
            JsonNode r = results.poll(2, TimeUnit.SECONDS);
            return r != null && r.path("model").asText().equals(model) ? model : null;
        });
    }

    @Test
    public void aPinnedEncoderVersionAnswersBesideAHigherServingOne() throws Exception {
        MqttClient client = embeddedBrokerClient("text-pin-it");
        Configuration c = configurationAdmin.createFactoryConfiguration("edgeai.pipeline.text", "?");
        Bundle higher = null;
        try {
            client.subscribe("edgeai/nlp/home/pin/voice", 1, (t, m) -> demo.add(MAPPER.readTree(m.getPayload())));
            client.subscribe("edgeai/pinned/#", 1, (t, m) -> pinned.add(MAPPER.readTree(m.getPayload())));
            answeredBy(client, "home/pin/voice", demo, ENCODER + "@1.0.0");

            Dictionary<String, Object> props = new Hashtable<>();
            props.put("name", "text-pinned");
            props.put("inputTopic", "pinned/+/voice");
            props.put("outputTopicPrefix", "edgeai/pinned");
            props.put("encoder", ENCODER);
            props.put("tasks", new String[] {"intent"});
            props.put(
                    "intents",
                    new String[] {"lights_on=turn on the lights|lights on please", "weather=what is the weather like"});
            props.put("encoderVersionRange", "[1.0.0,1.0.0]");
            c.update(props);
            answeredBy(client, "pinned/desk/voice", pinned, ENCODER + "@1.0.0");

            // a higher version arrives and serves: the demo pipeline moves to it, the pinned one stays
            higher = bundleContext.installBundle(
                    "memory:minilm-pin", new ByteArrayInputStream(TestModels.encoderVersion("minilm-pin", "1.1.0")));
            higher.start();
            answeredBy(client, "home/pin/voice", demo, ENCODER + "@1.1.0");
            for (int i = 0; i < 5; i++) {
                assertEquals(
                        "pinned to [1.0.0,1.0.0] while 1.1.0 serves",
                        ENCODER + "@1.0.0",
                        answeredBy(client, "pinned/desk/voice", pinned, ENCODER + "@1.0.0"));
                assertTrue(
                        "no text of the pinned pipeline answered by 1.1.0: " + pinned,
                        pinned.stream().noneMatch(r -> r.path("model").asText().endsWith("@1.1.0")));
            }

            // a range that is not one: refused naming the property, still answering with the pin it had
            props.put("encoderVersionRange", "1.0.0,2.0");
            c.update(props);
            Pipeline p = Poll.until("text-pinned listed", TIMEOUT, () -> service(Pipeline.class, "(name=text-pinned)"));
            Poll.until(
                    "change refused naming encoderVersionRange",
                    TIMEOUT,
                    () -> p.status().problem().contains("encoderVersionRange") ? true : null);
            answeredBy(client, "pinned/desk/voice", pinned, ENCODER + "@1.0.0");

            // the pin removed: the serving version answers
            props.put("encoderVersionRange", "");
            c.update(props);
            answeredBy(client, "pinned/desk/voice", pinned, ENCODER + "@1.1.0");
            Poll.until("problem cleared", TIMEOUT, () -> p.status().problem().isEmpty() ? true : null);
        } finally {
            c.delete();
            if (higher != null) {
                higher.uninstall();
            }
            client.disconnect();
            client.close();
        }
    }
}
