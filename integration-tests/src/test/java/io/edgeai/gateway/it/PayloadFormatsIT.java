package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;

/**
 * SenML and Sparkplug B pipelines configured at run time in the distribution (protobuf-java and Tahu's
 * Sparkplug classes wired inside Karaf), fed through the embedded broker.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PayloadFormatsIT extends KarafTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Configuration pipeline(String name, String format, String inputTopic) throws IOException {
        Configuration c = configurationAdmin.createFactoryConfiguration("edgeai.pipeline.anomaly", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("name", name);
        p.put("payloadFormat", format);
        p.put("inputTopic", inputTopic);
        p.put("outputTopicPrefix", "edgeai/" + name);
        p.put("alarmTopicPrefix", "");
        c.update(p);
        return c;
    }

    private static JsonNode json(byte[] b) {
        try {
            return JSON.readTree(b);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A Sparkplug B payload with one Double metric, written field by field (Sparkplug B 3.0 protobuf). */
    private static byte[] sparkplug(long timestamp, String name, long alias, double value) throws IOException {
        ByteArrayOutputStream metricBytes = new ByteArrayOutputStream();
        CodedOutputStream m = CodedOutputStream.newInstance(metricBytes);
        if (name != null) {
            m.writeString(1, name);
        }
        m.writeUInt64(2, alias);
        m.writeUInt32(4, 10); // DataType Double
        m.writeDouble(13, value);
        m.flush();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        CodedOutputStream p = CodedOutputStream.newInstance(payload);
        p.writeUInt64(1, timestamp);
        p.writeByteArray(2, metricBytes.toByteArray());
        p.flush();
        return payload.toByteArray();
    }

    @Test
    public void senmlAndSparkplugPipelinesScoreTheirValues() throws Exception {
        Configuration senml = pipeline("senml", "senml", "senml-in/+");
        Configuration spb = pipeline("spb", "sparkplug-b", "spBv1.0/it/#");
        MqttClient device = embeddedBrokerClient("formats-it");
        try {
            List<JsonNode> senmlResults = new CopyOnWriteArrayList<>();
            List<JsonNode> spbResults = new CopyOnWriteArrayList<>();
            device.subscribe("edgeai/senml/#", 1, (t, msg) -> senmlResults.add(json(msg.getPayload())));
            device.subscribe("edgeai/spb/#", 1, (t, msg) -> spbResults.add(json(msg.getPayload())));

            byte[] pack = "[{\"bn\":\"boiler:\",\"n\":\"temp\",\"v\":71.5},{\"n\":\"pressure\",\"v\":2.25}]"
                    .getBytes(StandardCharsets.UTF_8);
            Poll.until("the SenML pipeline answers", TIMEOUT, () -> {
                device.publish("senml-in/dev-4", pack, 1, false);
                return senmlResults.size() >= 2;
            });
            JsonNode first = senmlResults.get(0);
            assertEquals("dev-4", first.get("device").asText());
            assertEquals("boiler:temp", first.get("quantity").asText());
            assertEquals(71.5, first.get("value").asDouble(), 0);
            assertEquals("boiler:pressure", senmlResults.get(1).get("quantity").asText());

            Poll.until("the Sparkplug pipeline answers the birth", TIMEOUT, () -> {
                device.publish("spBv1.0/it/NBIRTH/edge-2", sparkplug(1_700_000_000_000L, "Flow", 3, 12.0), 1, false);
                return !spbResults.isEmpty();
            });
            device.publish("spBv1.0/it/NDATA/edge-2", sparkplug(1_700_000_060_000L, null, 3, 12.5), 1, false);
            JsonNode data = Poll.until(
                    "the aliased data message scored",
                    TIMEOUT,
                    () -> spbResults.stream()
                            .filter(r -> r.get("value").asDouble() == 12.5)
                            .findFirst()
                            .orElse(null));
            assertEquals("edge-2", data.get("device").asText());
            assertEquals("Flow", data.get("quantity").asText());
            assertEquals("2023-11-14T22:14:20Z", data.get("ts").asText());
        } finally {
            if (device.isConnected()) {
                device.disconnect();
            }
            device.close();
            senml.delete();
            spb.delete();
        }
    }
}
