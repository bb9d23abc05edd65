package io.edgeai.gateway.pipeline.internal.fuzz;

import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Structure-aware inputs: well-formed JSON documents, SenML packs and Sparkplug B payloads built from the
 * fuzzer's bytes, so the decoders' paths past the parser are reached as often as their rejections.
 */
final class Structures {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] NAMES = {
        "temp", "a/b", "x+", "#", "", "urn:dev:mac:0024befffe804ff1:", "é", "Inputs/Temperature", "n_"
    };
    private static final String[] TIMES = {
        "2014-02-14T14:30:00",
        "2014-02-14 14:30:00",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:00+01:00",
        "2024-13-01T00:00:00",
        "+999999999-12-31T23:59:59",
        "1970-01-01T00:00:00.123456789"
    };
    private static final String[] SENML_FIELDS = {
        "bn", "bt", "bv", "n", "v", "t", "vs", "vb", "vd", "s", "u", "ut", "x_"
    };

    private Structures() {}

    /** A JSON value of any type, numbers biased to the edges. */
    static JsonNode value(FuzzedDataProvider d, int depth) {
        switch (d.consumeInt(0, depth > 1 ? 6 : 8)) {
            case 0:
                return F.numberNode(d.consumeDouble());
            case 1:
                return F.numberNode(d.consumeLong());
            case 2:
                return F.textNode(d.consumeBoolean() ? TIMES[d.consumeInt(0, TIMES.length - 1)] : d.consumeString(24));
            case 3:
                return F.booleanNode(d.consumeBoolean());
            case 4:
                return F.nullNode();
            case 5:
                return F.numberNode(
                        new java.math.BigDecimal(d.consumeLong()).scaleByPowerOfTen(d.consumeInt(-400, 400)));
            case 6:
                return F.numberNode(d.consumeRegularDouble());
            case 7: {
                ArrayNode a = F.arrayNode();
                for (int i = d.consumeInt(0, 3); i > 0; i--) {
                    a.add(value(d, depth + 1));
                }
                return a;
            }
            default: {
                ObjectNode o = F.objectNode();
                for (int i = d.consumeInt(0, 3); i > 0; i--) {
                    o.set(
                            d.consumeBoolean() ? "value" : d.consumeBoolean() ? "ts" : d.consumeString(8),
                            value(d, depth + 1));
                }
                return o;
            }
        }
    }

    /** A reading as {@code {"ts":..,"value":..}}, nested under {@code sensor}, or as {@code [{"t":..,"v":..}]}. */
    static byte[] reading(FuzzedDataProvider d) {
        ObjectNode o = F.objectNode();
        boolean array = d.consumeBoolean();
        if (d.consumeBoolean()) {
            o.set(array ? "v" : "value", value(d, 0));
        }
        if (d.consumeBoolean()) {
            o.set(array ? "t" : "ts", value(d, 0));
        }
        JsonNode root = array
                ? F.arrayNode().add(o)
                : d.consumeBoolean() ? F.objectNode().set("sensor", o) : o;
        return bytes(root);
    }

    /** A SenML pack of up to five records with any of the fields, of any type. */
    static byte[] senml(FuzzedDataProvider d) {
        ArrayNode pack = F.arrayNode();
        for (int i = d.consumeInt(0, 5); i > 0; i--) {
            ObjectNode r = pack.addObject();
            int fields = d.consumeInt(0, (1 << SENML_FIELDS.length) - 1);
            for (int f = 0; f < SENML_FIELDS.length; f++) {
                if ((fields & (1 << f)) != 0) {
                    String field = SENML_FIELDS[f];
                    boolean text = field.equals("bn") || field.equals("n") || field.equals("vs") || field.equals("u");
                    r.set(
                            field,
                            d.consumeInt(0, 7) == 0
                                    ? value(d, 1)
                                    : text
                                            ? F.textNode(
                                                    d.consumeBoolean()
                                                            ? NAMES[d.consumeInt(0, NAMES.length - 1)]
                                                            : d.consumeString(16))
                                            : field.equals("vb")
                                                    ? F.booleanNode(d.consumeBoolean())
                                                    : F.numberNode(
                                                            d.consumeBoolean()
                                                                    ? d.consumeRegularDouble()
                                                                    : d.consumeDouble()));
                }
            }
        }
        return bytes(pack);
    }

    /** A Sparkplug B payload of up to five metrics with names or aliases, any data type and value. */
    static byte[] sparkplug(FuzzedDataProvider d) {
        Payload.Builder p = Payload.newBuilder();
        if (d.consumeBoolean()) {
            p.setTimestamp(d.consumeLong());
        }
        if (d.consumeBoolean()) {
            p.setSeq(d.consumeLong(0, 255));
        }
        for (int i = d.consumeInt(0, 5); i > 0; i--) {
            Metric.Builder m = Metric.newBuilder().setDatatype(d.consumeInt(0, 20));
            if (d.consumeBoolean()) {
                m.setName(d.consumeBoolean() ? NAMES[d.consumeInt(0, NAMES.length - 1)] : d.consumeString(16));
            }
            if (d.consumeBoolean()) {
                m.setAlias(d.consumeLong(0, 3));
            }
            if (d.consumeBoolean()) {
                m.setTimestamp(d.consumeLong());
            }
            m.setIsNull(d.consumeInt(0, 7) == 0).setIsHistorical(d.consumeInt(0, 7) == 0);
            switch (d.consumeInt(0, 6)) {
                case 0 -> m.setIntValue(d.consumeInt());
                case 1 -> m.setLongValue(d.consumeLong());
                case 2 -> m.setFloatValue(d.consumeFloat());
                case 3 -> m.setDoubleValue(d.consumeDouble());
                case 4 -> m.setBooleanValue(d.consumeBoolean());
                case 5 -> m.setStringValue(d.consumeString(8));
                default -> {}
            }
            p.addMetrics(m);
        }
        return p.build().toByteArray();
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
