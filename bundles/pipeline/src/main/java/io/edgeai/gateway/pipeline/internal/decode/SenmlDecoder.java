package io.edgeai.gateway.pipeline.internal.decode;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * SenML packs in JSON (RFC 8428, format {@code senml}) on topic {@code <prefix>/<device>}: an array of
 * records whose base fields ({@code bn}, {@code bt}, {@code bv}) apply to that record and the ones after
 * it. Each record with a numeric value ({@code v}, plus {@code bv}) becomes a reading whose quantity is the
 * resolved name {@code bn + n} and whose time is {@code bt + t} (seconds; values below 2^28 are relative
 * to now, RFC 8428 section 4.5.3). Records with string, boolean or data values or only a sum are skipped; a
 * pack without a numeric record, an invalid name or a field this decoder must understand but does not
 * (names ending in {@code _}) is rejected.
 */
public final class SenmlDecoder implements PayloadDecoder {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    /** RFC 8428 section 4.5.1: first character alphanumeric, then also - : . / _ */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9\\-:./_]*");

    private static final double RELATIVE_LIMIT = 268_435_456; // 2^28 seconds

    private final int maxPayloadBytes;
    private final int maxBatch;

    /**
     * @param maxPayloadBytes payloads longer than this are rejected unread
     * @param maxBatch most records per pack
     */
    public SenmlDecoder(int maxPayloadBytes, int maxBatch) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.maxBatch = maxBatch;
    }

    @Override
    public List<Reading> decodeAll(String topic, byte[] payload, long receivedMillis) throws RejectedInputException {
        String[] levels = topic.split("/", -1);
        String device = levels[levels.length - 1];
        if (levels.length < 2 || device.isEmpty()) {
            throw new RejectedInputException("bad-topic", "topic '" + topic + "' is not <prefix>/<device>");
        }
        PayloadDecoder.checkLength(device, "bad-topic", "device id");
        if (payload.length > maxPayloadBytes) {
            throw new RejectedInputException(
                    "oversize",
                    "payload of " + payload.length + " bytes exceeds the limit of " + maxPayloadBytes + " bytes");
        }
        JsonNode pack;
        try {
            pack = MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new RejectedInputException("not-json", "payload is not JSON");
        }
        if (pack == null || !pack.isArray()) {
            throw new RejectedInputException("wrong-type", "a SenML pack is a JSON array of records");
        }
        PayloadDecoder.checkBatch(pack.size(), maxBatch);
        String bn = "";
        double bt = 0;
        double bv = 0;
        List<Reading> out = new ArrayList<>();
        for (int i = 0; i < pack.size(); i++) {
            JsonNode rec = pack.get(i);
            if (!rec.isObject()) {
                throw new RejectedInputException("wrong-type", "SenML record " + i + " is not a JSON object");
            }
            mustUnderstand(rec, i);
            if (rec.has("bn")) {
                bn = text(rec, "bn", i);
            }
            if (rec.has("bt")) {
                bt = number(rec, "bt", i);
            }
            if (rec.has("bv")) {
                bv = number(rec, "bv", i);
            }
            String name = PayloadDecoder.checkLength(
                    bn + (rec.has("n") ? text(rec, "n", i) : ""), "bad-name", "SenML record " + i + ": the name");
            if (!NAME.matcher(name).matches()) {
                throw new RejectedInputException(
                        "bad-name", "SenML record " + i + " has the invalid name '" + name + "'");
            }
            boolean other = rec.has("vs") || rec.has("vb") || rec.has("vd");
            if (!rec.has("v") && (other || !rec.has("bv"))) {
                continue; // string, boolean, data or sum only: nothing to score
            }
            double value = bv + (rec.has("v") ? number(rec, "v", i) : 0);
            if (!Double.isFinite(value)) {
                throw new RejectedInputException("not-finite", "SenML record " + i + " has a value out of range");
            }
            double t = bt + (rec.has("t") ? number(rec, "t", i) : 0);
            long millis = t < RELATIVE_LIMIT ? receivedMillis + Math.round(t * 1000) : Math.round(t * 1000);
            out.add(new Reading(
                    device,
                    PayloadDecoder.topicLevel(name),
                    Instant.ofEpochMilli(millis).toString(),
                    millis,
                    value));
        }
        if (out.isEmpty()) {
            throw new RejectedInputException("missing-field", "SenML pack has no record with a numeric value");
        }
        return out;
    }

    /** RFC 8428 section 4.4: a field whose label ends with '_' must be understood, or the pack rejected. */
    private static void mustUnderstand(JsonNode rec, int i) throws RejectedInputException {
        Iterator<Map.Entry<String, JsonNode>> fields = rec.fields();
        while (fields.hasNext()) {
            String label = fields.next().getKey();
            if (label.endsWith("_")) {
                throw new RejectedInputException(
                        "unsupported-field",
                        "SenML record " + i + " has the must-understand " + "field '" + label + "'");
            }
        }
    }

    private static String text(JsonNode rec, String field, int i) throws RejectedInputException {
        JsonNode n = rec.get(field);
        if (!n.isTextual()) {
            throw new RejectedInputException("wrong-type", "SenML record " + i + ": '" + field + "' must be a string");
        }
        return n.asText();
    }

    private static double number(JsonNode rec, String field, int i) throws RejectedInputException {
        JsonNode n = rec.get(field);
        if (!n.isNumber()) {
            throw new RejectedInputException("wrong-type", "SenML record " + i + ": '" + field + "' must be a number");
        }
        return n.asDouble();
    }
}
