package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.TextEncoder;

/**
 * The shipped text pipelines in the built distribution, driven over the embedded broker like a voice front
 * end would: few-shot intents in English and Chinese, entities from the demo slot head, out-of-scope text,
 * a classifier head pipeline added by configuration, malformed and 1 MB payloads to the dead-letter topic,
 * and an intent added live that the next message uses.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NlpPipelineIT extends KarafTestSupport {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration ANSWER = Duration.ofSeconds(60);

    private final Map<String, JsonNode> latest = new ConcurrentHashMap<>();

    private static JsonNode json(byte[] payload) {
        try {
            return MAPPER.readTree(payload);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + new String(payload, StandardCharsets.UTF_8), e);
        }
    }

    private MqttClient device(String id) throws Exception {
        MqttClient device = embeddedBrokerClient(id);
        device.subscribe("edgeai/nlp/#", 1, (t, m) -> latest.put(t, json(m.getPayload())));
        device.subscribe("edgeai/deadletter/#", 1, (t, m) -> latest.put(t, json(m.getPayload())));
        return device;
    }

    /**
     * Publishes until the answer for this text (or dead letter with this code) arrives: pipelines subscribe
     * asynchronously, so the first messages after boot may find no subscriber.
     */
    private JsonNode ask(MqttClient device, String topic, byte[] payload, String answerTopic, String match)
            throws Exception {
        latest.remove(answerTopic);
        long deadline = System.nanoTime() + ANSWER.toNanos();
        while (System.nanoTime() - deadline < 0) {
            device.publish(topic, payload, 1, false);
            long resend = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() - resend < 0) {
                JsonNode r = latest.get(answerTopic);
                if (r != null
                        && (r.path("text").asText().equals(match)
                                || r.path("code").asText().equals(match))) {
                    return r;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(
                        Duration.ofMillis(20).toNanos());
            }
        }
        throw new AssertionError("no answer on " + answerTopic + " for " + match + " within " + ANSWER);
    }

    private JsonNode say(MqttClient device, String topic, String text) throws Exception {
        byte[] payload = MAPPER.createObjectNode().put("text", text).toString().getBytes(StandardCharsets.UTF_8);
        return ask(device, topic, payload, "edgeai/nlp/" + topic, text);
    }

    @Test
    public void englishIntentsEntitiesOutOfScopeAndALiveIntent() throws Exception {
        service(TextEncoder.class, "(edgeai.model.name=all-minilm-l6-v2-q)");
        MqttClient device = device("it-nlp-en");
        try {
            String text = "turn off the lights in the Kitchen";
            JsonNode r = say(device, "home/kitchen/voice", text);
            assertEquals(r.toString(), "lights_off", r.get("intent").asText());
            assertEquals("all-minilm-l6-v2-q@1.0.0", r.get("model").asText());
            assertEquals(3, r.get("alternatives").size());
            JsonNode place = null;
            for (JsonNode e : r.get("entities")) {
                if (e.get("type").asText().equals("house_place")) {
                    place = e;
                }
            }
            assertNotNull("no house_place in " + r, place);
            assertEquals("Kitchen", place.get("text").asText());
            assertEquals(text.indexOf("Kitchen"), place.get("start").asInt());
            assertEquals(
                    text.indexOf("Kitchen") + "Kitchen".length(),
                    place.get("end").asInt());

            JsonNode plain = ask(
                    device,
                    "home/hall/voice",
                    "will it rain tomorrow afternoon".getBytes(StandardCharsets.UTF_8),
                    "edgeai/nlp/home/hall/voice",
                    "will it rain tomorrow afternoon");
            assertEquals("weather", plain.get("intent").asText());

            JsonNode oos = say(device, "home/hall/voice", "who wrote pride and prejudice");
            assertEquals(oos.toString(), "out_of_scope", oos.get("intent").asText());
            JsonNode before = say(device, "home/hall/voice", "brew me a cup of coffee");
            assertEquals(before.toString(), "out_of_scope", before.get("intent").asText());

            // an operator adds an intent: the next message uses it
            Configuration demo = configurationAdmin
                    .listConfigurations("(&(service.factoryPid=edgeai.pipeline.text)(name=text-demo))")[0];
            Dictionary<String, Object> props = demo.getProperties();
            Object shipped = props.get("intents");
            String[] intents = shipped instanceof String[] a
                    ? java.util.Arrays.copyOf(a, a.length + 1)
                    : new String[] {String.valueOf(shipped), null};
            intents[intents.length - 1] = "coffee=make me a coffee|brew some coffee|i want an espresso";
            props.put("intents", intents);
            demo.update(props);
            // Config Admin delivers the change asynchronously: wait until the pipeline has it, then talk
            Pipeline pipeline = service(Pipeline.class, "(name=text-demo)");
            Poll.until(
                    "text-demo with 5 intents", TIMEOUT, () -> pipeline.status().keys() == 5);
            JsonNode coffee = say(device, "home/hall/voice", "could you brew me some coffee");
            assertEquals(coffee.toString(), "coffee", coffee.get("intent").asText());
            assertTrue(coffee.get("confidence").asDouble() > 0.5);

            String out = executeCommand("edgeai:pipelines");
            assertTrue(out, out.contains("text-demo"));
            String models = executeCommand("edgeai:models");
            assertTrue(models, models.contains("all-minilm-l6-v2-q") && models.contains("iot-slots-minilm"));
        } finally {
            device.disconnect();
            device.close();
        }
    }

    @Test
    public void chineseIntentsOnBge() throws Exception {
        // the Chinese pipeline and its encoder are an optional feature, in the distribution but not started
        org.apache.karaf.features.FeaturesService features = service(org.apache.karaf.features.FeaturesService.class);
        features.installFeature("edgeai-nlu-zh");
        service(TextEncoder.class, "(edgeai.model.name=bge-small-zh-v15-q)");
        Poll.until(
                "pipeline text-zh",
                TIMEOUT,
                () -> executeCommand("edgeai:pipelines").contains("text-zh"));
        MqttClient device = device("it-nlp-zh");
        try {
            JsonNode r = say(device, "home/living/voice-zh", "请帮我把客厅的灯打开");
            assertEquals(r.toString(), "开灯", r.get("intent").asText());
            assertEquals("bge-small-zh-v15-q@1.0.0", r.get("model").asText());
            assertEquals(
                    "天气",
                    say(device, "home/living/voice-zh", "明天北京会下雨吗")
                            .get("intent")
                            .asText());
            JsonNode oos = say(device, "home/living/voice-zh", "量子力学的基本原理是什么");
            assertEquals(oos.toString(), "out_of_scope", oos.get("intent").asText());
        } finally {
            device.disconnect();
            device.close();
        }
    }

    @Test
    public void classifierHeadPipelineAddedByConfiguration() throws Exception {
        Configuration c = configurationAdmin.createFactoryConfiguration("edgeai.pipeline.text", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("name", "text-head");
        props.put("inputTopic", "home/+/command");
        props.put("encoder", "all-minilm-l6-v2-q");
        props.put("tasks", new String[] {"intent", "embedding"});
        props.put("intent.model", "iot-intent-minilm");
        c.update(props);
        MqttClient device = device("it-nlp-head");
        try {
            JsonNode r = say(device, "home/office/command", "switch off the lights");
            assertEquals(r.toString(), "iot_hue_lightoff", r.get("intent").asText());
            assertEquals("iot-intent-minilm@1.0.0", r.get("intentModel").asText());
            assertEquals(384, r.get("embedding").size());
            JsonNode oos = say(device, "home/office/command", "what is the capital of australia");
            assertEquals(oos.toString(), "out_of_scope", oos.get("intent").asText());
        } finally {
            device.disconnect();
            device.close();
            c.delete();
        }
    }

    /**
     * The trained heads (feature edgeai-nlu-en, shipped in the distribution but not started): installed from
     * the console, a SNIPS pipeline with a three-encoder intent head and the slot tagger answers with the
     * intent and the entities on character offsets of the original text; a CLINC150 pipeline on the encoder
     * fine-tuned for it (its test vector checked by the model extender before it serves) recognises a
     * request and rejects an out-of-scope question.
     */
    @Test
    public void trainedHeadsFromTheNluFeature() throws Exception {
        // through the features service: its console commands may be re-wired while the asynchronous boot
        // features settle in the test container
        org.apache.karaf.features.FeaturesService features = service(org.apache.karaf.features.FeaturesService.class);
        features.installFeature("edgeai-nlu-en");
        assertTrue(features.isInstalled(features.getFeature("edgeai-nlu-en")));
        Configuration snips = configurationAdmin.createFactoryConfiguration("edgeai.pipeline.text", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("name", "text-snips");
        props.put("inputTopic", "media/+/say");
        props.put("encoder", "all-minilm-l6-v2-q");
        props.put("tasks", new String[] {"intent", "entities"});
        props.put("intent.model", "intent-snips");
        props.put("slot.model", "slots-snips");
        snips.update(props);
        Configuration clinc = configurationAdmin.createFactoryConfiguration("edgeai.pipeline.text", "?");
        Dictionary<String, Object> cp = new Hashtable<>();
        cp.put("name", "text-clinc");
        cp.put("inputTopic", "assistant/+/say");
        cp.put("encoder", "minilm-l6-clinc150-q");
        cp.put("tasks", new String[] {"intent"});
        cp.put("intent.model", "intent-clinc150");
        clinc.update(cp);
        MqttClient device = device("it-nlp-trained");
        try {
            String text = "put this tune onto my Road Trip playlist";
            JsonNode r = say(device, "media/lounge/say", text);
            assertEquals(r.toString(), "AddToPlaylist", r.get("intent").asText());
            assertEquals("intent-snips@1.0.0", r.get("intentModel").asText());
            Map<String, String> found = entities(text, r);
            assertEquals(r.toString(), "Road Trip", found.get("playlist"));
            assertEquals(r.toString(), "tune", found.get("music_item"));
            String play = "play some jazz music by Miles Davis";
            JsonNode p = say(device, "media/lounge/say", play);
            assertEquals(p.toString(), "PlayMusic", p.get("intent").asText());
            assertEquals(p.toString(), "Miles Davis", entities(play, p).get("artist"));

            service(TextEncoder.class, "(edgeai.model.name=minilm-l6-clinc150-q)");
            JsonNode transfer =
                    say(device, "assistant/kitchen/say", "please move 200 dollars from savings to checking");
            assertEquals(transfer.toString(), "transfer", transfer.get("intent").asText());
            assertEquals("minilm-l6-clinc150-q@1.0.0", transfer.get("model").asText());
            assertEquals("intent-clinc150@2.0.0", transfer.get("intentModel").asText());
            JsonNode oos = say(device, "assistant/kitchen/say", "how many legs does a spider have");
            assertEquals(oos.toString(), "out_of_scope", oos.get("intent").asText());
        } finally {
            device.disconnect();
            device.close();
            snips.delete();
            clinc.delete();
        }
    }

    /** Entities by type, checking that each one's offsets cut its text out of the original. */
    private static Map<String, String> entities(String text, JsonNode result) {
        Map<String, String> found = new java.util.HashMap<>();
        for (JsonNode e : result.get("entities")) {
            assertEquals(
                    e.get("text").asText(),
                    text.substring(e.get("start").asInt(), e.get("end").asInt()));
            found.put(e.get("type").asText(), e.get("text").asText());
        }
        return found;
    }

    @Test
    public void malformedAndOneMegabyteTextGoToTheDeadLetterTopic() throws Exception {
        MqttClient device = device("it-nlp-dl");
        try {
            String dl = "edgeai/deadletter/home/garage/voice";
            JsonNode bad = ask(
                    device, "home/garage/voice", "{\"text\": oops".getBytes(StandardCharsets.UTF_8), dl, "not-json");
            assertEquals("text-demo", bad.get("pipeline").asText());
            assertTrue(bad.toString(), bad.get("reason").asText().contains("not valid JSON"));

            byte[] mb = MAPPER.createObjectNode()
                    .put("text", "a".repeat(1 << 20))
                    .toString()
                    .getBytes(StandardCharsets.UTF_8);
            JsonNode big = ask(device, "home/garage/voice", mb, dl, "oversize");
            assertEquals(mb.length, big.get("payloadBytes").asInt());
            assertTrue(big.toString(), big.get("reason").asText().contains("exceeds the limit of 1048576 bytes"));

            JsonNode tooLong = ask(
                    device, "home/garage/voice", "word ".repeat(500).getBytes(StandardCharsets.UTF_8), dl, "too-long");
            assertTrue(tooLong.toString(), tooLong.get("reason").asText().contains("max.text.length"));

            // and the pipeline keeps going
            assertEquals(
                    "lights_on",
                    say(device, "home/garage/voice", "lights on please now")
                            .get("intent")
                            .asText());
        } finally {
            device.disconnect();
            device.close();
        }
    }
}
